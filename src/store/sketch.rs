//! A count-min sketch of 4-bit counters (TinyLFU's frequency estimate), aged by halving
//! every counter once `sample` increments have been counted, so old popularity fades. A
//! key's four counters share one 64-byte block (as Caffeine's): one cache line per access.

/// Rows (hash functions) of the count-min sketch.
const DEPTH: usize = 4;
/// Words per block: 8 x 8 bytes, one cache line; row `i` uses words `2i` and `2i + 1`.
const BLOCK: usize = 8;

/// One key's counters, aligned to a cache line: the allocator's 8- or 16-byte alignment
/// would let most blocks straddle two lines, and cost two cache misses per count.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Block([u64; BLOCK]);

/// Estimated access frequencies of keys (by hash), at most 15, halved periodically.
///
/// ```
/// # use edgecache::Sketch;
/// let mut sketch = Sketch::new(100);
/// for _ in 0..3 { sketch.increment(42); }
/// assert_eq!(sketch.frequency(42), 3);
/// assert_eq!(sketch.frequency(7), 0);
/// ```
#[derive(Debug, Clone)]
pub struct Sketch {
    /// Blocks of `BLOCK` words of sixteen 4-bit counters.
    table: Box<[Block]>,
    /// Blocks minus one (a power of two minus one).
    mask: u64,
    /// Increments since the last halving.
    size: u32,
    /// Increments between halvings (10 x capacity, as in Caffeine).
    sample: u32,
}

impl Sketch {
    /// A sketch for a cache of `capacity` entries: 8 bytes per entry (four rows of
    /// `4 * capacity` 4-bit counters, rounded up to a power of two), aged every `10 * capacity` increments.
    pub fn new(capacity: usize) -> Self {
        let (blocks, sample) = Self::shape(capacity);
        Sketch {
            table: vec![Block([0; BLOCK]); blocks].into_boxed_slice(),
            mask: blocks as u64 - 1,
            size: 0,
            sample,
        }
    }

    /// [`Sketch::new`], or `None` when its table cannot be allocated (wasm memory is full).
    ///
    /// ```
    /// # use edgecache::Sketch;
    /// assert_eq!(Sketch::try_new(100).map(|s| s.bytes()), Some(Sketch::new(100).bytes()));
    /// ```
    pub fn try_new(capacity: usize) -> Option<Self> {
        let (blocks, sample) = Self::shape(capacity);
        let mut table = Vec::new();
        table.try_reserve_exact(blocks).ok()?;
        table.resize(blocks, Block([0; BLOCK]));
        Some(Sketch {
            table: table.into_boxed_slice(),
            mask: blocks as u64 - 1,
            size: 0,
            sample,
        })
    }

    /// Blocks and the aging period for `capacity` entries.
    fn shape(capacity: usize) -> (usize, u32) {
        let capacity = capacity.clamp(1, 1 << 24);
        // 16 counters per entry of capacity (Caffeine's width): 8 bytes per entry.
        (
            capacity.div_ceil(BLOCK).next_power_of_two(),
            (10 * capacity) as u32,
        )
    }

    /// Bytes the sketch occupies.
    pub fn bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<Block>()
    }

    /// Increments between agings: the sample period of the hill climber too.
    pub fn sample(&self) -> u32 {
        self.sample
    }

    /// `hash`'s block, and the bits that pick each row's word and counter.
    #[inline]
    fn locate(&self, hash: u32) -> (usize, u64) {
        let h = u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let h = h ^ (h >> 32);
        // The high 32 bits pick, per row, one of its two words (1 bit) and a counter (4 bits).
        (
            (h & self.mask) as usize,
            (h >> 32).wrapping_mul(0xC2B2_AE3D_27D4_EB4F) >> 24,
        )
    }

    /// The word of `row` in a block, and the counter's shift in it, from [`Sketch::locate`]'s bits.
    #[inline]
    fn counter(c: u64, row: usize) -> (usize, u64) {
        let bits = c >> (row * 8);
        (
            (2 * row + (bits & 1) as usize) & (BLOCK - 1),
            ((bits >> 1) & 15) * 4,
        )
    }

    /// The estimated frequency of `hash` (0-15).
    pub fn frequency(&self, hash: u32) -> u8 {
        let (block, c) = self.locate(hash);
        let Some(Block(words)) = self.table.get(block) else {
            return 0;
        };
        (0..DEPTH)
            .map(|row| {
                let (word, shift) = Self::counter(c, row);
                ((words[word] >> shift) & 15) as u8
            })
            .min()
            .unwrap_or(0)
    }

    /// Counts one access of `hash`; ages the sketch when the sample is full (then true).
    #[inline]
    pub fn increment(&mut self, hash: u32) -> bool {
        let (block, c) = self.locate(hash);
        // One bounds check for the block; the rows' words are then within it by construction.
        let Some(Block(words)) = self.table.get_mut(block) else {
            return false;
        };
        let mut added = 0;
        for row in 0..DEPTH {
            let (word, shift) = Self::counter(c, row);
            let word = &mut words[word];
            // Branch-free: a counter below 15 goes up by one.
            let below = u64::from((*word >> shift) & 15 < 15);
            *word += below << shift;
            added |= below;
        }
        added != 0 && self.tick()
    }

    /// Counts one increment made outside the table (a resident entry's own counter, see
    /// `Store`); ages the sketch when the sample is full (then true: the caller halves its
    /// counters too).
    ///
    /// ```
    /// # use edgecache::Sketch;
    /// let mut sketch = Sketch::new(16); // ages every 160 increments
    /// assert!(!(0..159).any(|_| sketch.tick()));
    /// assert!(sketch.tick());
    /// ```
    #[inline]
    pub fn tick(&mut self) -> bool {
        self.size += 1;
        if self.size >= self.sample {
            self.age();
            return true;
        }
        false
    }

    /// Raises `hash`'s counters to at least `frequency` (a departing entry's own count; the
    /// conservative update of a count-min sketch: no access is counted twice).
    ///
    /// ```
    /// # use edgecache::Sketch;
    /// let mut sketch = Sketch::new(100);
    /// sketch.increment(42);
    /// sketch.raise(42, 6);
    /// assert_eq!(sketch.frequency(42), 6);
    /// sketch.raise(42, 2);
    /// assert_eq!(sketch.frequency(42), 6);
    /// ```
    pub fn raise(&mut self, hash: u32, frequency: u8) {
        let (block, c) = self.locate(hash);
        let Some(Block(words)) = self.table.get_mut(block) else {
            return;
        };
        let frequency = u64::from(frequency.min(15));
        for row in 0..DEPTH {
            let (word, shift) = Self::counter(c, row);
            let word = &mut words[word];
            let old = (*word >> shift) & 15;
            if old < frequency {
                *word += (frequency - old) << shift;
            }
        }
    }

    /// Halves every counter (TinyLFU's reset).
    fn age(&mut self) {
        for w in self.table.iter_mut().flat_map(|b| b.0.iter_mut()) {
            *w = (*w >> 1) & 0x7777_7777_7777_7777;
        }
        self.size /= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_saturate_at_fifteen() {
        let mut s = Sketch::new(1000);
        for _ in 0..100 {
            s.increment(5);
        }
        assert_eq!(s.frequency(5), 15);
    }

    #[test]
    fn aging_halves_every_counter() {
        let mut s = Sketch::new(1024);
        for _ in 0..9 {
            s.increment(1);
        }
        for _ in 0..4 {
            s.increment(2);
        }
        assert_eq!((s.frequency(1), s.frequency(2)), (9, 4));
        s.age();
        assert_eq!((s.frequency(1), s.frequency(2)), (4, 2));
        assert_eq!(s.size, 6);
    }

    #[test]
    fn a_full_sample_triggers_aging() {
        let mut s = Sketch::new(16); // sample 160
        for _ in 0..15 {
            s.increment(7);
        }
        let mut k = 1000;
        while s.size != 0 && s.size < s.sample - 1 {
            s.increment(k);
            k += 1;
        }
        s.increment(k + 1);
        assert!(s.size < s.sample / 2 + 1, "aged: size {}", s.size);
        assert!(s.frequency(7) <= 8, "halved: {}", s.frequency(7));
    }

    #[test]
    fn estimates_never_undercount() {
        let mut s = Sketch::new(256);
        let mut truth = std::collections::HashMap::new();
        for i in 0..2000u32 {
            let k = i.wrapping_mul(2654435761) % 300;
            s.increment(k);
            *truth.entry(k).or_insert(0u32) += 1;
            if s.size == 0 {
                truth.clear(); // aged: the exact counts no longer apply
            }
        }
        // Before any aging (sample 2560 > 2000), every estimate is >= the true count (capped).
        for (k, n) in truth {
            assert!(u32::from(s.frequency(k)) >= n.min(15), "key {k}");
        }
    }

    #[test]
    fn memory_is_eight_bytes_per_entry() {
        assert_eq!(Sketch::new(1024).bytes(), 1024 * 8);
        assert_eq!(
            Sketch::new(1000).bytes(),
            1024 * 8,
            "rounded up to a power of two"
        );
    }
}
