//! Time, injected: every expiry decision reads a [`Clock`], so tests never sleep.

use std::cell::Cell;
use std::rc::Rc;

/// A source of the current time, in seconds since the Unix epoch (fractions allowed).
pub trait Clock {
    /// The current time in seconds.
    fn now(&self) -> f64;

    /// True when reading the clock runs no user code, so the cache may read it lazily (only
    /// for entries that can expire) while its store is borrowed. Default false.
    fn is_pure(&self) -> bool {
        false
    }
}

/// The machine's wall clock (native builds; the wasm binding reads `Date.now()` instead).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }
    fn is_pure(&self) -> bool {
        true
    }
}

/// A clock that moves only when told to; clones share the same time.
///
/// ```
/// use edgecache::{Clock, ManualClock};
/// let clock = ManualClock::new(100.0);
/// let view = clock.clone();
/// clock.advance(2.5);
/// assert_eq!(view.now(), 102.5);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Rc<Cell<f64>>,
}

impl ManualClock {
    /// A clock stopped at `now` seconds.
    pub fn new(now: f64) -> Self {
        ManualClock {
            now: Rc::new(Cell::new(now)),
        }
    }

    /// Moves the clock forward by `seconds` (or back, if negative).
    pub fn advance(&self, seconds: f64) {
        self.now.set(self.now.get() + seconds);
    }

    /// Sets the clock to `now` seconds.
    pub fn set(&self, now: f64) {
        self.now.set(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        self.now.get()
    }
    fn is_pure(&self) -> bool {
        true
    }
}
