//! Serving stale responses (RFC 5861): `stale-while-revalidate` and `stale-if-error`.

use super::cache_control::max_age_like;

/// Where a stored response stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Freshness {
    /// Within its timeout: serve it.
    Fresh = 0,
    /// Past it, within stale-while-revalidate: serve it and refresh in the background.
    Stale = 1,
    /// Past that, within stale-if-error: ask the origin, serve it if the origin fails.
    StaleIfError = 2,
    /// Past every window.
    Expired = 3,
}

/// The state of a response fresh until `fresh_until` (seconds) with the two windows.
///
/// ```
/// use edgecache::http::{freshness, Freshness};
/// assert_eq!(freshness(99.0, 100.0, 10.0, 60.0), Freshness::Fresh);
/// assert_eq!(freshness(100.0, 100.0, 10.0, 60.0), Freshness::Stale);
/// assert_eq!(freshness(110.0, 100.0, 10.0, 60.0), Freshness::StaleIfError);
/// assert_eq!(freshness(160.0, 100.0, 10.0, 60.0), Freshness::Expired);
/// ```
pub fn freshness(
    now: f64,
    fresh_until: f64,
    stale_while_revalidate: f64,
    stale_if_error: f64,
) -> Freshness {
    if now < fresh_until {
        Freshness::Fresh
    } else if now < fresh_until + stale_while_revalidate {
        Freshness::Stale
    } else if now < fresh_until + stale_if_error {
        Freshness::StaleIfError
    } else {
        Freshness::Expired
    }
}

/// How long (seconds) the cache keeps a page stored for `timeout` seconds with stale windows
/// `swr` and `sie`: past its timeout by the longer window; a negative timeout as it is, since
/// Django stores such a page already expired (later requests miss).
///
/// ```
/// use edgecache::http::kept_for;
/// assert_eq!(kept_for(60.0, 30.0, 5.0), 90.0);
/// assert_eq!(kept_for(-5.0, 30.0, 5.0), -5.0);
/// ```
pub fn kept_for(timeout: f64, swr: f64, sie: f64) -> f64 {
    if timeout > 0.0 {
        timeout + swr.max(sie)
    } else {
        timeout
    }
}

/// The stale windows (seconds) of a response: its `stale-while-revalidate` and
/// `stale-if-error` directives, else the given defaults; negative values count as 0.
///
/// ```
/// use edgecache::http::stale_windows;
/// assert_eq!(stale_windows(Some("max-age=60, stale-while-revalidate=30"), 0.0, 5.0), (30.0, 5.0));
/// assert_eq!(stale_windows(None, 10.0, 0.0), (10.0, 0.0));
/// ```
pub fn stale_windows(cache_control: Option<&str>, swr: f64, sie: f64) -> (f64, f64) {
    let pick = |name: &str, default: f64| {
        max_age_like(cache_control, name)
            .map_or(default, |v| v as f64)
            .max(0.0)
    };
    (
        pick("stale-while-revalidate", swr),
        pick("stale-if-error", sie),
    )
}
