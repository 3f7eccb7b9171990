//! Which allocations may be refused: those whose failure their caller turns into
//! OUT_OF_MEMORY (entries, encoded values). The wasm allocator (src/wasm/alloc.rs) never gives
//! them its reserve, and refuses them while reserve memory it gave out is not freed again, so
//! the allocations nothing can refuse (a made key, a warning's text, a string passed in from
//! JS) still find memory at the end of it, where their failure would trap. Natively the mark
//! changes nothing.

use std::cell::Cell;

thread_local! {
    static REFUSABLE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with its allocations marked refusable (it handles each one's failure).
///
/// ```
/// use edgecache::headroom::{is_refusable, refusable};
/// assert!(!is_refusable());
/// assert!(refusable(is_refusable));
/// assert!(!is_refusable());
/// ```
pub fn refusable<T>(f: impl FnOnce() -> T) -> T {
    let outer = REFUSABLE.with(|r| r.replace(true));
    let out = f();
    REFUSABLE.with(|r| r.set(outer));
    out
}

/// Whether the allocation being made now may be refused (inside [`refusable`]).
pub fn is_refusable() -> bool {
    REFUSABLE.with(Cell::get)
}
