//! A small seeded random source (SplitMix64) for jittered timeouts and early refresh.
//!
//! Seeded from the OS (getrandom) unless a seed is given, so tests can fix the sequence.

/// A SplitMix64 generator: fast, 8 bytes of state, good enough for jitter and sampling.
///
/// ```
/// use edgecache::Rng;
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.next_f64(), b.next_f64());
/// assert!((0.0..1.0).contains(&a.next_f64()));
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator with a fixed seed.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// A generator seeded from the OS; a failed read leaves a fixed seed (still usable).
    pub fn from_entropy() -> Self {
        let mut seed = [0u8; 8];
        let _ = getrandom::getrandom(&mut seed);
        Rng::new(u64::from_le_bytes(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)` (53 random bits).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `timeout` spread uniformly over `timeout * (1 ± jitter)`; `jitter` is clamped to `[0, 1]`.
///
/// ```
/// use edgecache::{jittered, Rng};
/// let mut rng = Rng::new(1);
/// let t = jittered(100.0, 0.1, &mut rng);
/// assert!((90.0..=110.0).contains(&t));
/// assert_eq!(jittered(100.0, 0.0, &mut rng), 100.0);
/// ```
pub fn jittered(timeout: f64, jitter: f64, rng: &mut Rng) -> f64 {
    let jitter = jitter.clamp(0.0, 1.0);
    if jitter == 0.0 || !timeout.is_finite() || timeout <= 0.0 {
        return timeout;
    }
    timeout * (1.0 + jitter * (2.0 * rng.next_f64() - 1.0))
}
