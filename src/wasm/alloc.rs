//! The global allocator: dlmalloc, asking wasm for memory an eighth at a time.
//!
//! dlmalloc's default system allocator grows linear memory 64 KiB at a time, and in V8 every
//! `memory.grow` can trigger a full mark-compact of the JS heap (perf-notes: 907 GCs filling
//! 1M entries). Growing by an eighth of the current size (at least 1 MiB) makes that a few
//! dozen grows, and keeps the memory a full cache leaves untouched to at most 12.5%: wasm
//! memory never shrinks and a runtime counts all of it against its limit (a Worker isolate
//! has 128 MB for everything), so a `maxBytes` budget must bound it. Doubling (an earlier
//! policy) left a 16 MiB budget in 34 MiB of memory (bench/MEMORY-BUDGET.md).

use core::arch::wasm32;
use core::cell::UnsafeCell;
use dlmalloc::{Allocator, Dlmalloc};
use std::alloc::{GlobalAlloc, Layout};

const PAGE: usize = 64 * 1024;
const MIN_STEP: usize = 1 << 20;

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
        match grow(step(current, size)).or_else(|| grow(size)) {
            Some((ptr, len)) => (ptr, len, 0),
            None => (core::ptr::null_mut(), 0, 0),
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

// SAFETY: forwards to dlmalloc, which upholds GlobalAlloc's contract; single-threaded (above).
unsafe impl GlobalAlloc for GlobalDlmalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).malloc(layout.size(), layout.align())
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).calloc(layout.size(), layout.align())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).free(ptr, layout.size(), layout.align())
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
    }
}

#[global_allocator]
static ALLOCATOR: GlobalDlmalloc = GlobalDlmalloc(UnsafeCell::new(Dlmalloc::new_with_allocator(
    GeometricGrowth,
)));
