//! The JS binding: the only code that touches wasm-bindgen and js-sys. It converts at the
//! boundary and delegates every rule to the core.
//!
//! Without the `full` feature only the synchronous caches are exported (MemoryCache,
//! DummyCache, the registry, fragment keys): the `edgecache/memory` build. The async tier, the
//! HTTP rules and sessions (and through them records, persistence and compression) need `full`.

mod alloc;
mod api;
mod args;
mod boundary;
#[cfg(feature = "full")]
mod cache_core;
mod clock;
mod dummy_cache;
mod errors;
mod events;
mod fast;
mod fragments;
#[cfg(feature = "full")]
mod hashing;
#[cfg(feature = "full")]
mod http;
mod iterables;
mod keys;
#[cfg(feature = "full")]
mod memcached;
mod memory_cache;
mod options;
mod random;
mod registry;
#[cfg(feature = "full")]
mod sessions;
#[cfg(feature = "full")]
mod tier_fast;
mod types;
mod values;

#[cfg(feature = "full")]
pub use cache_core::CacheCore;
pub use dummy_cache::DummyCache;
pub use memory_cache::MemoryCache;
pub use registry::{configure_caches, get_cache};
