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
//! Near the end of memory (a grow by a step failed), the allocator holds a reserve block of
//! [`RESERVE`] bytes. An allocation marked refusable (crate::headroom: entries, encoded values;
//! their callers throw OUT_OF_MEMORY) is refused while the reserve cannot be held; any other
//! allocation that fails gets the reserve's memory, so the allocations nothing can refuse (a
//! made key, a warning's text, a string wasm-bindgen passes in) still succeed, where their
//! failure would trap ("unreachable").

use core::arch::wasm32;
use core::cell::UnsafeCell;
use dlmalloc::{Allocator, Dlmalloc};
use std::alloc::{GlobalAlloc, Layout};

const PAGE: usize = 64 * 1024;
const MIN_STEP: usize = 1 << 20;
/// Bytes kept free near the end of memory for allocations nothing can refuse.
const RESERVE: usize = 1 << 20;

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

struct Flag(core::cell::Cell<bool>);

// SAFETY: wasm32 without the atomics feature runs on one thread.
unsafe impl Sync for Flag {}

/// Set once memory could not grow by a step: from then on the reserve is held.
static NEAR_END: Flag = Flag(core::cell::Cell::new(false));

struct Held(core::cell::Cell<*mut u8>);

// SAFETY: wasm32 without the atomics feature runs on one thread.
unsafe impl Sync for Held {}

/// The reserve block (null: not held).
static HELD: Held = Held(core::cell::Cell::new(core::ptr::null_mut()));

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
        let grown = grow(step(current, size)).or_else(|| {
            NEAR_END.0.set(true);
            grow(size)
        });
        match grown {
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

impl GlobalDlmalloc {
    /// Near the end of memory: holds the reserve if it can; false when a refusable allocation
    /// must be refused (the reserve cannot be held).
    ///
    /// # Safety
    /// Single-threaded, and not called from inside another dlmalloc call.
    unsafe fn before(&self) -> bool {
        if !NEAR_END.0.get() {
            return true;
        }
        if HELD.0.get().is_null() {
            HELD.0.set((*self.0.get()).malloc(RESERVE, 8));
        }
        !HELD.0.get().is_null() || !crate::headroom::is_refusable()
    }

    /// After `ptr` came back null for an allocation: gives the reserve up to one nothing can
    /// refuse (true: try again).
    ///
    /// # Safety
    /// As [`GlobalDlmalloc::before`].
    unsafe fn give_reserve(&self, ptr: *mut u8) -> bool {
        let held = HELD.0.get();
        if !ptr.is_null() || held.is_null() || crate::headroom::is_refusable() {
            return false;
        }
        (*self.0.get()).free(held, RESERVE, 8);
        HELD.0.set(core::ptr::null_mut());
        true
    }
}

impl GlobalDlmalloc {
    /// `make()` (a dlmalloc call), with the reserve's rules; `grows`: it may need more memory.
    ///
    /// # Safety
    /// As [`GlobalDlmalloc::before`].
    unsafe fn with_reserve(
        &self,
        grows: bool,
        make: impl Fn(&mut Dlmalloc<GeometricGrowth>) -> *mut u8,
    ) -> *mut u8 {
        if grows && !self.before() {
            return core::ptr::null_mut();
        }
        let ptr = make(&mut *self.0.get());
        if self.give_reserve(ptr) {
            return make(&mut *self.0.get());
        }
        ptr
    }
}

// SAFETY: forwards to dlmalloc, which upholds GlobalAlloc's contract; single-threaded (above).
unsafe impl GlobalAlloc for GlobalDlmalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.with_reserve(true, |d| d.malloc(layout.size(), layout.align()))
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.with_reserve(true, |d| d.calloc(layout.size(), layout.align()))
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).free(ptr, layout.size(), layout.align())
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A failed realloc leaves `ptr` as it was, so it may be tried again.
        self.with_reserve(new_size > layout.size(), |d| {
            d.realloc(ptr, layout.size(), layout.align(), new_size)
        })
    }
}

#[global_allocator]
static ALLOCATOR: GlobalDlmalloc = GlobalDlmalloc(UnsafeCell::new(Dlmalloc::new_with_allocator(
    GeometricGrowth,
)));
