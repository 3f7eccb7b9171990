//! The global allocator: dlmalloc, asking wasm for memory an eighth at a time.
//!
//! dlmalloc's default system allocator grows linear memory 64 KiB at a time, and in V8 every
//! `memory.grow` can trigger a full mark-compact of the JS heap (perf-notes: 907 GCs filling
//! 1M entries). Growing by an eighth of the current size (at least 1 MiB) makes that a few
//! dozen grows, and keeps the memory a full cache leaves untouched to at most 12.5%: wasm
//! memory never shrinks and a runtime counts all of it against its limit (a Worker isolate
//! has 128 MB for everything), so a `maxBytes` budget must bound it. Doubling (an earlier
//! policy) left a 16 MiB budget in 34 MiB of memory (bench/MEMORY-BUDGET.md).
//!
//! The first time memory grows, [`RESERVE`] bytes more are taken and kept back from dlmalloc.
//! At the end of memory, only an allocation nothing can refuse (a made key, a warning's text, a
//! string wasm-bindgen passes in: its failure traps with "unreachable") is given pages of it.
//! Until as much is freed again, allocations marked refusable (crate::headroom: entries,
//! encoded values; their callers throw OUT_OF_MEMORY) are refused, so they do not take that
//! memory from the next allocation that cannot be refused. The reserve costs its size in
//! linear memory from the first growth on (untouched pages: no resident memory).

use core::arch::wasm32;
use core::cell::UnsafeCell;
use dlmalloc::{Allocator, Dlmalloc};
use std::alloc::{GlobalAlloc, Layout};

const PAGE: usize = 64 * 1024;
const MIN_STEP: usize = 1 << 20;
/// Bytes kept back from the first growth for allocations nothing can refuse.
const RESERVE: usize = 512 * 1024;

/// How many bytes to ask for when memory is `current` bytes and an allocation needs `size`.
fn step(current: usize, size: usize) -> usize {
    (current / 8).max(MIN_STEP).max(size)
}

struct GeometricGrowth;

struct Limit(core::cell::Cell<usize>);

// SAFETY: wasm32 without the atomics feature runs on one thread.
unsafe impl Sync for Limit {}

/// The most linear memory may grow to (bytes); `usize::MAX` (no limit but the engine's)
/// unless a test lowers it to see what running out of memory does, without gigabytes.
static LIMIT: Limit = Limit(core::cell::Cell::new(usize::MAX));

struct Reserve {
    /// Whether the reserve was taken yet (at the first growth).
    taken: core::cell::Cell<bool>,
    /// Where the kept-back bytes left start, and how many there are.
    left: core::cell::Cell<(usize, usize)>,
    /// Bytes of it given out and not freed since (refusable allocations wait for them).
    owed: core::cell::Cell<usize>,
}

// SAFETY: wasm32 without the atomics feature runs on one thread.
unsafe impl Sync for Reserve {}

static RESERVED: Reserve = Reserve {
    taken: core::cell::Cell::new(false),
    left: core::cell::Cell::new((0, 0)),
    owed: core::cell::Cell::new(0),
};

/// Caps linear memory at `bytes` (at least its current size) for the tests of running out
/// of memory; `Infinity` lifts the cap. Returns the current size in bytes.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = __setMemoryLimit, skip_typescript)]
pub fn set_memory_limit(bytes: f64) -> f64 {
    let current = wasm32::memory_size(0) * PAGE;
    let limit = if bytes.is_finite() && bytes >= 0.0 {
        (bytes as usize).max(current)
    } else {
        usize::MAX
    };
    LIMIT.0.set(limit);
    current as f64
}

fn grow(bytes: usize) -> Option<(*mut u8, usize)> {
    let pages = bytes.div_ceil(PAGE);
    let current = wasm32::memory_size(0) * PAGE;
    if current.saturating_add(pages.saturating_mul(PAGE)) > LIMIT.0.get() {
        return None;
    }
    let prev = wasm32::memory_grow(0, pages);
    if prev == usize::MAX {
        return None;
    }
    let base = prev * PAGE;
    let size = pages * PAGE;
    // Never hand out the last bytes of the 4 GiB space: a pointer may not wrap to 0.
    let size = if base.wrapping_add(size) == 0 {
        size - 16
    } else {
        size
    };
    Some((base as *mut u8, size))
}

// SAFETY: regions come from `memory.grow`, are never handed out twice, and are never freed.
unsafe impl Allocator for GeometricGrowth {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let current = wasm32::memory_size(0) * PAGE;
        let step = step(current, size);
        if !RESERVED.taken.get() {
            RESERVED.taken.set(true);
            // The step, then the reserve after it (kept out of dlmalloc's hands).
            if let Some((ptr, len)) = grow(step + RESERVE) {
                RESERVED.left.set((ptr as usize + step, len - step));
                return (ptr, step, 0);
            }
        }
        if let Some((ptr, len)) = grow(step).or_else(|| grow(size)) {
            return (ptr, len, 0);
        }
        // At the end of memory: pages of the reserve, for what cannot be refused only.
        let (start, left) = RESERVED.left.get();
        match size.checked_next_multiple_of(PAGE) {
            Some(take) if take <= left && !crate::headroom::is_refusable() => {
                RESERVED.left.set((start + take, left - take));
                RESERVED.owed.set(RESERVED.owed.get() + take);
                (start as *mut u8, take, 0)
            }
            _ => (core::ptr::null_mut(), 0, 0),
        }
    }
    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        core::ptr::null_mut()
    }
    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }
    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }
    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }
    fn allocates_zeros(&self) -> bool {
        true
    }
    fn page_size(&self) -> usize {
        PAGE
    }
}

struct GlobalDlmalloc(UnsafeCell<Dlmalloc<GeometricGrowth>>);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread.
unsafe impl Sync for GlobalDlmalloc {}

impl GlobalDlmalloc {
    /// Whether an allocation may be tried: not a refusable one while reserve bytes given out
    /// are not freed again.
    fn may_try() -> bool {
        RESERVED.owed.get() == 0 || !crate::headroom::is_refusable()
    }
}

// SAFETY: forwards to dlmalloc, which upholds GlobalAlloc's contract; single-threaded (above).
unsafe impl GlobalAlloc for GlobalDlmalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !Self::may_try() {
            return core::ptr::null_mut();
        }
        (*self.0.get()).malloc(layout.size(), layout.align())
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !Self::may_try() {
            return core::ptr::null_mut();
        }
        (*self.0.get()).calloc(layout.size(), layout.align())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // What is freed pays back what the reserve gave (dlmalloc can hand it out again).
        let owed = RESERVED.owed.get();
        if owed > 0 {
            RESERVED.owed.set(owed.saturating_sub(layout.size()));
        }
        (*self.0.get()).free(ptr, layout.size(), layout.align())
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && !Self::may_try() {
            return core::ptr::null_mut();
        }
        (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
    }
}

#[global_allocator]
static ALLOCATOR: GlobalDlmalloc = GlobalDlmalloc(UnsafeCell::new(Dlmalloc::new_with_allocator(
    GeometricGrowth,
)));
