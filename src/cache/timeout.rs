//! Django's timeout argument: omitted, `None` (forever) or seconds, and the expiry it gives.

/// The timeout given to a write.
///
/// ```
/// use edgecache::Timeout;
/// // An explicit 0 is already expired, as in Django (it becomes now - 1).
/// assert!(Timeout::Seconds(0.0).expires_at(Some(300.0), 1000.0) <= 1000.0);
/// assert_eq!(Timeout::Default.expires_at(Some(300.0), 1000.0), 1300.0);
/// assert_eq!(Timeout::Never.expires_at(Some(300.0), 1000.0), f64::INFINITY);
/// assert!(Timeout::Seconds(f64::NEG_INFINITY).expires_at(None, 1000.0) < 1000.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timeout {
    /// Argument omitted: the cache's default timeout.
    Default,
    /// `null`: never expires.
    Never,
    /// A number of seconds from now; 0 or negative means already expired.
    Seconds(f64),
}

impl Timeout {
    /// The absolute expiry (seconds) for a write at `now`; `default` is the cache's
    /// default timeout (`None` = forever). `f64::INFINITY` means never.
    pub fn expires_at(self, default: Option<f64>, now: f64) -> f64 {
        let at = match self {
            // A configured default of 0 is not rewritten: now + 0 is expired too.
            Timeout::Default => default.map_or(f64::INFINITY, |t| now + t),
            Timeout::Never => f64::INFINITY,
            Timeout::Seconds(0.0) => now - 1.0,
            Timeout::Seconds(t) if t == f64::INFINITY => f64::INFINITY,
            Timeout::Seconds(t) => now + t,
        };
        // -Infinity seconds is in the past, as in Django (time.time() + timeout): a finite
        // past time, since stores take only +Infinity for "never" and test finite expiries.
        if at == f64::NEG_INFINITY {
            now - 1.0
        } else {
            at
        }
    }
}

/// Django's expiry test: an entry whose expiry is at or before `now` is expired.
pub fn is_expired(expires: f64, now: f64) -> bool {
    expires <= now
}
