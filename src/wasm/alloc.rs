//! The global allocator: dlmalloc, asking wasm for memory geometrically.
//!
//! dlmalloc's default system allocator grows linear memory 64 KiB at a time, and in V8 every
//! `memory.grow` can trigger a full mark-compact of the JS heap (perf-notes: 907 GCs filling
//! 1M entries). Growing by the current memory size (1 MiB to 256 MiB per step) makes that a
//! handful of GCs; dlmalloc keeps the surplus as free space.

use core::arch::wasm32;
use core::cell::UnsafeCell;
use dlmalloc::{Allocator, Dlmalloc};
use std::alloc::{GlobalAlloc, Layout};

const PAGE: usize = 64 * 1024;
const MIN_STEP: usize = 1 << 20;
const MAX_STEP: usize = 256 << 20;

struct GeometricGrowth;

fn grow(bytes: usize) -> Option<(*mut u8, usize)> {
    let pages = bytes.div_ceil(PAGE);
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
        let step = current.clamp(MIN_STEP, MAX_STEP).max(size);
        match grow(step).or_else(|| grow(size)) {
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
