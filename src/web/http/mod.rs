//! Django's HTTP caching rules (`django.utils.cache` and the cache middleware) as pure
//! functions over header strings, plus what a shared edge cache adds (RFC 9111 privacy,
//! conditional requests). The JS binding applies them to `Headers` and `Response` objects.
//! Case rules are ASCII (header names and directives are ASCII; Unicode case tables would
//! add tens of KB to the wasm module), where Python's `lower()` is Unicode.

mod cache_control;
mod conditional;
mod cookie;
mod date;
mod keys;
mod policy;
mod stale;
mod vary;

pub use cache_control::{
    max_age, max_age_unreadable, patch_cache_control, Directive, DirectiveValue,
};
pub use conditional::{etag_for, not_modified};
pub use cookie::{cookie_value, CookieSettings};
pub use date::{http_date, parse_http_date};
pub use keys::{header_key, learn_header_list, page_key, KeyFormat, KeySuffix};
pub use policy::{
    age, age_at, age_origin, may_serve, store_policy, ResponseFacts, StorePolicy, NO_HTTP_DATE,
};
pub use stale::{freshness, kept_for, stale_windows, Freshness};
pub use vary::{has_vary_header, patch_vary_headers, split_header};
