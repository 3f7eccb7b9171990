//! Sharing a cache with a Django site: Python's pickle (an allowlist reader and a protocol-4
//! writer), JSON as django-redis's JSONSerializer writes it, and what Django's Redis and memcached backends keep under a key, converted to and
//! from the codec's value bytes (so the JS codecs read and write them as any other value).
//!
//! Owns the pickle subset and Django's store formats. Depends on the codec only; never touches
//! a cache, a record or JS. Data read back is untrusted: anything outside the allowlist is an
//! error, which the caller counts as a miss.

pub mod django;
pub mod json;
mod pickle_globals;
mod pickle_read;
mod pickle_write;

pub use django::py_int;
pub use pickle_read::pickle_to_value;
pub use pickle_write::value_to_pickle;
