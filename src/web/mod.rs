//! The web layer's rules: Django's HTTP caching (`django.utils.cache`, the cache middleware,
//! what a shared edge cache adds), sessions (keys, expiry, the middleware's decisions) and
//! template fragment keys, as pure functions over strings and numbers.
//!
//! Owns what a response or a session may become. May use the codec's Python reprs and the
//! persistence key helpers; never reads or writes a cache itself (the binding does).

pub(crate) mod fragment;
pub mod http;
pub(crate) mod session;
