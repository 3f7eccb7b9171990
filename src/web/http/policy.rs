//! What the cache middleware does with a response (Django's UpdateCacheMiddleware), with
//! the rules a shared cache adds so that no user's private response reaches another.

use super::cache_control::{max_age, max_age_unreadable};
use super::date::parse_http_date;
use super::vary::has_vary_header;

/// What the middleware knows about a request and its response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseFacts {
    /// The response status.
    pub status: u16,
    /// A body of unknown length (a stream).
    pub streaming: bool,
    /// The response sets a cookie.
    pub sets_cookie: bool,
    /// The response's `Cache-Control`.
    pub cache_control: Option<String>,
    /// The response's `Vary`.
    pub vary: Option<String>,
    /// The request had a non-empty `Authorization`.
    pub authorization: bool,
    /// The request had a non-empty `Cookie`.
    pub cookie: bool,
    /// `cachePage`'s timeout (beats max-age), seconds.
    pub page_timeout: Option<f64>,
    /// The middleware's default timeout, seconds.
    pub cache_timeout: f64,
    /// Store `public` responses that set cookies, without their `Set-Cookie`.
    pub strip_set_cookie: bool,
    /// The request carried a host or URL override the key does not include
    /// (`X-Forwarded-Host`, `X-Host`, `X-Original-URL`, `X-Rewrite-URL`).
    pub unkeyed_override: bool,
    /// The response has an `Expires` header (then none is computed).
    pub has_expires: bool,
    /// The time now, seconds since the epoch (for the `Expires` a timeout makes).
    pub now: f64,
}

/// The first instant an HTTP date cannot name (year 10000), seconds since the epoch.
pub const NO_HTTP_DATE: f64 = 253_402_300_800.0;

/// The decision for one response.
#[derive(Debug, Clone, PartialEq)]
pub enum StorePolicy {
    /// Return the response unchanged (Django's early returns).
    Untouched,
    /// Add `Expires`/`max-age` for `timeout`; maybe `Vary: Authorization`; maybe store.
    Patch {
        /// Seconds for `patch_response_headers` and the cache entry.
        timeout: f64,
        /// Add `Authorization` to `Vary` (the request had one, the response is not public).
        vary_authorization: bool,
        /// Store the response (Django's rule and the shared-cache rules agree).
        store: bool,
        /// Store it without `Set-Cookie`.
        strip_set_cookie: bool,
    },
}

/// Django's UpdateCacheMiddleware decision, then the shared-cache vetoes: a request with
/// `Authorization` is stored only for `public`, `s-maxage` or `must-revalidate` responses or
/// ones that vary on it (RFC 9111 3.5); a request with cookies only for `public` or
/// `s-maxage` responses or ones with `Vary: Cookie`; a response that sets a cookie never,
/// unless it is `public` and `strip_set_cookie` is on; a request with a host or URL override
/// that the key ignores never (a classic poisoning vector).
///
/// ```
/// use edgecache::http::{store_policy, ResponseFacts, StorePolicy};
/// let ok = ResponseFacts { status: 200, cache_timeout: 600.0, ..Default::default() };
/// assert!(matches!(store_policy(&ok), StorePolicy::Patch { timeout: 600.0, store: true, .. }));
/// let private = ResponseFacts { cache_control: Some("Private".into()), ..ok.clone() };
/// assert_eq!(store_policy(&private), StorePolicy::Untouched);
/// let signed_in = ResponseFacts { authorization: true, ..ok.clone() };
/// assert!(matches!(store_policy(&signed_in), StorePolicy::Patch { store: false, vary_authorization: true, .. }));
/// let malformed = ResponseFacts { cache_control: Some("max-age=1.5".into()), ..ok };
/// assert_eq!(store_policy(&malformed), StorePolicy::Untouched);
/// ```
pub fn store_policy(f: &ResponseFacts) -> StorePolicy {
    if f.streaming || !(f.status == 200 || f.status == 304) {
        return StorePolicy::Untouched;
    }
    let vary = f.vary.as_deref();
    if f.sets_cookie && has_vary_header(vary, "cookie") {
        return StorePolicy::Untouched;
    }
    let cc = f
        .cache_control
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    if ["private", "no-cache", "no-store"]
        .iter()
        .any(|d| cc.contains(d))
    {
        return StorePolicy::Untouched;
    }
    if has_vary_header(vary, "*") {
        return StorePolicy::Untouched;
    }
    let timeout = match f.page_timeout {
        Some(t) => t,
        None => match max_age(f.cache_control.as_deref()) {
            Some(0) => return StorePolicy::Untouched,
            Some(m) => m as f64,
            None => f.cache_timeout,
        },
    };
    // Django fails these responses (a 500, nothing stored): its `patch_response_headers`
    // raises on an `Expires` past year 9999 and on an old `max-age` that is not an integer.
    // They pass through as they came, and are not stored.
    let past_dates = !f.has_expires && f.now + timeout.max(0.0) >= NO_HTTP_DATE;
    if past_dates || max_age_unreadable(f.cache_control.as_deref()) {
        return StorePolicy::Untouched;
    }
    let public = cc.contains("public");
    let shared_ok = public || cc.contains("s-maxage");
    let auth_ok = !f.authorization
        || shared_ok
        || cc.contains("must-revalidate")
        || has_vary_header(vary, "authorization");
    let cookie_ok = !f.cookie || shared_ok || has_vary_header(vary, "cookie");
    let set_cookie_ok = !f.sets_cookie || (public && f.strip_set_cookie);
    StorePolicy::Patch {
        timeout,
        vary_authorization: f.authorization && !public,
        // Django stores for any non-zero timeout: a negative one replaces the entries with
        // expired ones (its `if timeout`), so later requests miss.
        store: timeout != 0.0
            && f.status == 200
            && auth_ok
            && cookie_ok
            && set_cookie_ok
            && !f.unkeyed_override,
        strip_set_cookie: f.sets_cookie,
    }
}

/// Whether a stored response may answer a request: one with `Authorization` only gets a
/// response that is `public`, `s-maxage` or `must-revalidate`, or that varies on it (else an
/// anonymous page would answer a signed-in request).
///
/// ```
/// use edgecache::http::may_serve;
/// assert!(may_serve(false, None, None));
/// assert!(!may_serve(true, Some("max-age=60"), None));
/// assert!(may_serve(true, Some("max-age=60"), Some("Accept, Authorization")));
/// assert!(may_serve(true, Some("public, max-age=60"), None));
/// ```
pub fn may_serve(authorization: bool, cache_control: Option<&str>, vary: Option<&str>) -> bool {
    let cc = cache_control.unwrap_or("").to_ascii_lowercase();
    !authorization
        || ["public", "s-maxage", "must-revalidate"]
            .iter()
            .any(|d| cc.contains(d))
        || has_vary_header(vary, "authorization")
}

/// The `Age` of a cached response at `now` (seconds): `max-age - (Expires - now)`, at least
/// 0; `None` without both headers (Django's FetchFromCacheMiddleware).
///
/// ```
/// assert_eq!(edgecache::http::age(Some("max-age=60"), Some("Thu, 01 Jan 1970 00:01:00 GMT"), 10.5), Some(10));
/// assert_eq!(edgecache::http::age(Some("max-age=60"), None, 10.0), None);
/// ```
pub fn age(cache_control: Option<&str>, expires: Option<&str>, now: f64) -> Option<i64> {
    age_origin(cache_control, expires).map(|origin| age_at(origin, now))
}

/// The instant (seconds) at which a cached response's [`age`] is 0: `Expires - max-age`.
/// Fixed per stored response, so a hit needs only [`age_at`].
///
/// ```
/// assert_eq!(edgecache::http::age_origin(Some("max-age=60"), Some("Thu, 01 Jan 1970 00:01:00 GMT")), Some(0));
/// assert_eq!(edgecache::http::age_origin(None, Some("Thu, 01 Jan 1970 00:01:00 GMT")), None);
/// ```
pub fn age_origin(cache_control: Option<&str>, expires: Option<&str>) -> Option<i64> {
    Some(parse_http_date(expires?)? - max_age(cache_control)?)
}

/// The `Age` at `now` of a response whose age is 0 at `origin`: whole seconds, at least 0.
///
/// ```
/// assert_eq!(edgecache::http::age_at(100, 130.9), 30);
/// assert_eq!(edgecache::http::age_at(100, 50.0), 0);
/// ```
pub fn age_at(origin: i64, now: f64) -> i64 {
    (now.floor() as i64).saturating_sub(origin).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ResponseFacts {
        ResponseFacts {
            status: 200,
            cache_timeout: 600.0,
            ..Default::default()
        }
    }

    fn stored(f: &ResponseFacts) -> bool {
        matches!(store_policy(f), StorePolicy::Patch { store: true, .. })
    }

    #[test]
    fn djangos_early_returns() {
        for f in [
            ResponseFacts {
                streaming: true,
                ..base()
            },
            ResponseFacts {
                status: 404,
                ..base()
            },
            ResponseFacts {
                sets_cookie: true,
                vary: Some("Cookie".into()),
                ..base()
            },
            ResponseFacts {
                cache_control: Some("no-cache=Set-Cookie".into()),
                ..base()
            },
            ResponseFacts {
                cache_control: Some("NO-store".into()),
                ..base()
            },
            ResponseFacts {
                vary: Some("Accept, *".into()),
                ..base()
            },
            ResponseFacts {
                cache_control: Some("max-age=0".into()),
                ..base()
            },
        ] {
            assert_eq!(store_policy(&f), StorePolicy::Untouched, "{f:?}");
        }
    }

    #[test]
    fn timeouts_304s_and_zero_page_timeouts() {
        let p = |f: ResponseFacts| store_policy(&f);
        assert!(matches!(
            p(ResponseFacts {
                page_timeout: Some(5.0),
                cache_control: Some("max-age=100".into()),
                ..base()
            }),
            StorePolicy::Patch {
                timeout: 5.0,
                store: true,
                ..
            }
        ));
        assert!(matches!(
            p(ResponseFacts {
                cache_control: Some("max-age=100".into()),
                ..base()
            }),
            StorePolicy::Patch { timeout: 100.0, .. }
        ));
        assert!(matches!(
            p(ResponseFacts {
                status: 304,
                ..base()
            }),
            StorePolicy::Patch { store: false, .. }
        ));
        assert!(matches!(
            p(ResponseFacts {
                page_timeout: Some(0.0),
                ..base()
            }),
            StorePolicy::Patch {
                timeout: 0.0,
                store: false,
                ..
            }
        ));
    }

    #[test]
    fn private_requests_are_stored_only_when_the_response_allows() {
        assert!(!stored(&ResponseFacts {
            cookie: true,
            ..base()
        }));
        assert!(stored(&ResponseFacts {
            cookie: true,
            vary: Some("Cookie".into()),
            ..base()
        }));
        assert!(stored(&ResponseFacts {
            cookie: true,
            cache_control: Some("public".into()),
            ..base()
        }));
        assert!(!stored(&ResponseFacts {
            authorization: true,
            ..base()
        }));
        assert!(stored(&ResponseFacts {
            authorization: true,
            cache_control: Some("s-maxage=60".into()),
            ..base()
        }));
        assert!(!stored(&ResponseFacts {
            sets_cookie: true,
            ..base()
        }));
        assert!(!stored(&ResponseFacts {
            sets_cookie: true,
            cache_control: Some("public".into()),
            ..base()
        }));
        assert!(stored(&ResponseFacts {
            sets_cookie: true,
            cache_control: Some("public".into()),
            strip_set_cookie: true,
            ..base()
        }));
    }
}
