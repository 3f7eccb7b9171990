//! Why an entry left a cache: the reasons of the `onEvict` hook.

use std::rc::Rc;

/// Why an entry was removed.
///
/// ```
/// use edgecache::Removal;
/// assert_eq!(Removal::Invalidate.as_str(), "invalidate");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Removal {
    /// Culled or evicted to make room (entry limit or byte budget).
    Evict,
    /// Met after its expiry.
    Expire,
    /// Removed by `delete`.
    Delete,
    /// Replaced by a write to the same key.
    Set,
    /// Removed by `clear`.
    Clear,
    /// Removed by tag invalidation.
    Invalidate,
}

impl Removal {
    /// The reason as the JS hook receives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Removal::Evict => "evict",
            Removal::Expire => "expire",
            Removal::Delete => "delete",
            Removal::Set => "set",
            Removal::Clear => "clear",
            Removal::Invalidate => "invalidate",
        }
    }
}

/// Receives each removed key (the made key) and why.
pub type Listener = Rc<dyn Fn(&[u8], Removal)>;
