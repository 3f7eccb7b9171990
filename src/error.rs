//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong in the cache core.
///
/// Each variant maps to a stable `code` string that the JS binding puts on the thrown error.
///
/// ```
/// use edgecache::Error;
/// let e = Error::KeyNotFound(":1:nope".into());
/// assert_eq!(e.to_string(), "Key ':1:nope' not found");
/// assert_eq!(e.code(), "KEY_NOT_FOUND");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A bad argument: `code` is stable (`INVALID_KEY`, `INVALID_TIMEOUT`, ...), the message names it.
    InvalidArgument {
        /// Stable machine-readable code.
        code: &'static str,
        /// Human-readable message naming the argument.
        message: String,
    },
    /// `incr`/`decr`/`incrVersion` on a missing key (Django's `ValueError`).
    KeyNotFound(String),
    /// `incr`/`decr` on a value that is not a number or a bigint.
    NotANumber(String),
    /// A key failed validation while `strictKeys` is on (memcached's `InvalidCacheKey`).
    InvalidCacheKey(String),
    /// A value the encoding cannot represent (a function, a symbol, a class instance, a cycle).
    Unserializable(String),
    /// Bytes that do not decode as a value of this encoding.
    Corrupt(String),
    /// A registry alias that was never configured.
    UnknownAlias(String),
    /// Wasm memory could not grow to hold this many more bytes (the cache is unchanged).
    OutOfMemory(usize),
    /// A value larger than the store takes, with chunking off.
    ValueTooLarge {
        /// Bytes the record would take.
        size: usize,
        /// The store's value limit in bytes.
        limit: usize,
    },
}

impl Error {
    /// The stable code the JS binding exposes as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidArgument { code, .. } => code,
            Error::KeyNotFound(_) => "KEY_NOT_FOUND",
            Error::NotANumber(_) => "NOT_A_NUMBER",
            Error::InvalidCacheKey(_) => "INVALID_CACHE_KEY",
            Error::Unserializable(_) => "UNSERIALIZABLE_VALUE",
            Error::Corrupt(_) => "CORRUPT_VALUE",
            Error::UnknownAlias(_) => "UNKNOWN_ALIAS",
            Error::ValueTooLarge { .. } => "VALUE_TOO_LARGE",
            Error::OutOfMemory(_) => "OUT_OF_MEMORY",
        }
    }

    /// True for errors that JS should see as a `TypeError` (bad arguments and values).
    pub fn is_type_error(&self) -> bool {
        matches!(
            self,
            Error::InvalidArgument { .. } | Error::NotANumber(_) | Error::Unserializable(_)
        )
    }

    /// Shorthand for an [`Error::InvalidArgument`].
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { message, .. } => f.write_str(message),
            Error::KeyNotFound(key) => write!(f, "Key '{key}' not found"),
            Error::NotANumber(key) => write!(
                f,
                "incr/decr needs a number or bigint value, but key '{key}' holds something else"
            ),
            Error::InvalidCacheKey(message) => f.write_str(message),
            Error::Unserializable(message) => f.write_str(message),
            Error::Corrupt(message) => write!(f, "corrupt value: {message}"),
            Error::UnknownAlias(alias) => write!(f, "The connection '{alias}' doesn't exist."),
            Error::OutOfMemory(size) => write!(
                f,
                "out of memory: wasm memory could not grow by {size} bytes (nothing was changed)"
            ),
            Error::ValueTooLarge { size, limit } => write!(
                f,
                "value too large for the store: the record takes {size} bytes, the limit is {limit} bytes (chunking is off)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
