//! edgecache: Django's cache framework as a WebAssembly cache for JavaScript edge runtimes.
//!
//! The crate root is a pure Rust core (no JS types), one folder per concern, each depending
//! only on those before it: `store` (entries, recency, byte accounting), `codec` (the value
//! bytes), `cache` (Django's rules: [`LocMemCache`], keys, timeouts; time from an injected
//! [`Clock`]), `persist` (records in a KV store), `interop` (pickle and Django's own store
//! formats), `protocol` (the wire rules of stores: Redis
//! Cluster slots, memcached's meta protocol and server choice), `web` (HTTP caching, sessions,
//! fragments).
//! The JS binding lives in `src/wasm/` and is compiled only for wasm32.
#![warn(missing_docs)]

mod cache;
pub mod codec;
mod error;
pub mod headroom;
pub mod interop;
pub mod persist;
pub mod protocol;
mod store;
mod web;

pub use cache::meta;
pub use codec::bigint;
pub use persist::record;
pub use web::http;

pub use cache::clock::{Clock, ManualClock, SystemClock};
pub use cache::config::{django_option_hint, CacheConfig, EntryInfo, EvictionPolicy, StaleRead};
pub use cache::key::{
    key_warnings, make_key, needs_warning, shifted_version, write_key, KeyWriter, MAX_KEY_LENGTH,
};
pub use cache::locations::shared_store;
pub use cache::locmem::LocMemCache;
pub use cache::refresh::{serve_state, xfetch_due, RefreshPolicy, Serve};
pub use cache::removal::{Listener, Removal};
pub use cache::rng::{jittered, Rng};
pub use cache::stats::{Counters, Stats};
pub use cache::timeout::{is_expired, Timeout};
pub use codec::pystr::{
    py_float_repr, py_nonfinite_repr, py_number_str, py_number_str_from_ecma, py_repr,
};
pub use error::{Error, Result};
pub use persist::store_key::{chunk_key, md5_hex, store_key, MIN_KEY_LIMIT};
pub use protocol::redis_cluster::redis_slot;
pub use store::hash::hash_key;
pub use store::{entry_size, Entry, Lookup, Policy, Sketch, Store, ENTRY_OVERHEAD};
pub use web::fragment::{fragment_key, fragment_timeout, FragmentTimeout};
pub use web::session::{
    cookie_keeps_key, is_session_key, new_session_key, session_key_from, session_plan,
    SessionExpiry, SessionFacts, SessionPlan, SESSION_KEY_CHARS, SESSION_KEY_LENGTH,
};

#[cfg(target_arch = "wasm32")]
pub mod wasm;
