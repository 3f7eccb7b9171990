//! Django's cache rules over the [`crate::store`]: LocMemCache (timeouts, expiry on read,
//! culling, versions, incr/decr, stats), made keys and their validation, the injected clock,
//! entry metadata (tags, soft expiry, compute time), removal events, refresh (stale serving,
//! XFetch, jitter) and the process-wide stores named by LOCATION.
//!
//! Owns what Django's `BaseCache` and `LocMemCache` decide. May use the store and the codec;
//! knows nothing of persistence, HTTP or JS.

pub(crate) mod clock;
pub(crate) mod config;
pub(crate) mod key;
pub(crate) mod locations;
pub(crate) mod locmem;
pub mod meta;
pub(crate) mod refresh;
pub(crate) mod removal;
pub(crate) mod rng;
pub(crate) mod stats;
pub(crate) mod timeout;
