//! The JS binding: the only code that touches wasm-bindgen and js-sys. It converts at the
//! boundary and delegates every rule to the core.

mod alloc;
mod args;
mod boundary;
mod cache_core;
mod clock;
mod dummy_cache;
mod errors;
mod events;
mod fast;
mod fragments;
mod hashing;
mod http;
mod iterables;
mod keys;
mod memory_cache;
mod options;
mod registry;
mod sessions;
mod tier_fast;
mod types;
mod values;

pub use cache_core::CacheCore;
pub use dummy_cache::DummyCache;
pub use memory_cache::MemoryCache;
pub use registry::{configure_caches, get_cache};
