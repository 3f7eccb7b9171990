//! The wire rules of the stores a JS adapter talks to over a socket or a client: where a key
//! lives in a Redis Cluster (`redis_cluster`), memcached's meta protocol (`memcached`) and
//! which of many memcached servers holds a key (`rendezvous`).
//!
//! Pure functions over bytes and strings: the adapters in js/stores/ own the sockets. May use
//! the store keys' shortening rule; never touches a cache, a record or JS.

pub mod memcached;
pub mod redis_cluster;
pub mod rendezvous;
