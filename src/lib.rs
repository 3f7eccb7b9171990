//! edgecache: Django's cache framework as a WebAssembly cache for JavaScript edge runtimes.
//!
//! The crate root is a pure Rust core (no JS types): the [`Store`], Django's
//! [`LocMemCache`] semantics, keys, timeouts and the value [`codec`]. Time comes from an
//! injected [`Clock`]. The JS binding lives in `src/wasm/` and is compiled only for wasm32.
#![warn(missing_docs)]

pub mod bigint;
mod cache;
mod clock;
pub mod codec;
mod error;
mod fragment;
mod hash;
pub mod http;
mod key;
mod locations;
pub mod meta;
pub mod persist;
mod pystr;
pub mod record;
mod refresh;
mod removal;
mod rng;
mod session;
mod stats;
mod store;
mod store_key;
mod timeout;

pub use cache::{CacheConfig, EntryInfo, EvictionPolicy, LocMemCache, StaleRead};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use fragment::{fragment_key, fragment_timeout, FragmentTimeout};
pub use hash::hash_key;
pub use key::{key_warnings, make_key, needs_warning, write_key, KeyWriter, MAX_KEY_LENGTH};
pub use locations::shared_store;
pub use pystr::{py_float_repr, py_number_str, py_repr};
pub use refresh::{serve_state, xfetch_due, RefreshPolicy, Serve};
pub use removal::{Listener, Removal};
pub use rng::{jittered, Rng};
pub use session::{
    is_session_key, new_session_key, session_key_from, session_plan, SessionExpiry, SessionFacts,
    SessionPlan, SESSION_KEY_CHARS, SESSION_KEY_LENGTH,
};
pub use stats::{Counters, Stats};
pub use store::{entry_size, Entry, Lookup, Policy, Sketch, Store, ENTRY_OVERHEAD};
pub use store_key::{chunk_key, md5_hex, store_key, MIN_KEY_LIMIT};
pub use timeout::{is_expired, Timeout};

#[cfg(target_arch = "wasm32")]
pub mod wasm;
