//! The rules of Django's session framework that do not touch storage: session keys
//! (`get_random_string(32, VALID_KEY_CHARS)`), expiry (`get_expiry_age`,
//! `get_expire_at_browser_close`) and what `SessionMiddleware.process_response` does.

/// Length of a session key (Django's).
pub const SESSION_KEY_LENGTH: usize = 32;
/// The alphabet of session keys: lowercase ASCII letters and digits (Django's `VALID_KEY_CHARS`).
pub const SESSION_KEY_CHARS: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A new session key from the OS's random source (`crypto.getRandomValues` in wasm).
///
/// ```
/// let key = edgecache::new_session_key();
/// assert!(edgecache::is_session_key(&key));
/// assert_ne!(key, edgecache::new_session_key());
/// ```
pub fn new_session_key() -> String {
    session_key_from(|buf| {
        // A failing OS source must not yield a guessable key: fail loudly instead.
        getrandom::getrandom(buf).expect("the OS random source is unavailable")
    })
}

/// A session key from `fill` (a source of random bytes); unbiased by rejection sampling.
///
/// ```
/// let mut n = 0u8;
/// let key = edgecache::session_key_from(|buf| buf.iter_mut().for_each(|b| { *b = n; n = n.wrapping_add(1) }));
/// assert_eq!(&key[..4], "abcd");
/// ```
pub fn session_key_from(mut fill: impl FnMut(&mut [u8])) -> String {
    // 252 = 36 * 7: bytes at or above it would favour the first 4 characters.
    const LIMIT: u8 = 252;
    let mut key = String::with_capacity(SESSION_KEY_LENGTH);
    let mut buf = [0u8; 48];
    while key.len() < SESSION_KEY_LENGTH {
        fill(&mut buf);
        for b in buf.iter().filter(|b| **b < LIMIT) {
            if key.len() == SESSION_KEY_LENGTH {
                break;
            }
            key.push(SESSION_KEY_CHARS[usize::from(*b % 36)] as char);
        }
    }
    key
}

/// Whether `key` has the form of a session key (32 of `[a-z0-9]`); others are never looked up.
///
/// ```
/// assert!(edgecache::is_session_key("abcdefghijklmnopqrstuvwxyz012345"));
/// assert!(!edgecache::is_session_key("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"));
/// assert!(!edgecache::is_session_key("short"));
/// ```
pub fn is_session_key(key: &str) -> bool {
    key.len() == SESSION_KEY_LENGTH && key.bytes().all(|b| SESSION_KEY_CHARS.contains(&b))
}

/// Whether Django keeps a cookie's value as the session key until the session loads: at least
/// 8 characters (`_validate_session_key`), counted as Python counts them, in code points.
///
/// ```
/// assert!(edgecache::cookie_keeps_key("12345678"));
/// assert!(!edgecache::cookie_keeps_key("1234567"));
/// assert!(!edgecache::cookie_keeps_key("😀😀😀😀")); // 4 code points (8 UTF-16 units)
/// ```
pub fn cookie_keeps_key(value: &str) -> bool {
    value.chars().count() >= 8
}

/// A session's `_session_expiry`, as `set_expiry` leaves it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SessionExpiry {
    /// No custom expiry: the cookie age setting applies.
    Default,
    /// Seconds of inactivity (`0`: when the browser closes).
    Seconds(f64),
    /// A moment, in milliseconds since the epoch.
    At(f64),
}

impl SessionExpiry {
    /// Django's `get_expiry_age`: seconds until expiry from `now_ms`.
    ///
    /// ```
    /// use edgecache::SessionExpiry;
    /// assert_eq!(SessionExpiry::Default.age(1209600, 0.0), 1209600.0);
    /// assert_eq!(SessionExpiry::Seconds(0.0).age(1209600, 0.0), 1209600.0);
    /// assert_eq!(SessionExpiry::Seconds(1.5).age(1209600, 0.0), 1.5);
    /// assert_eq!(SessionExpiry::At(90_500.0).age(1209600, 30_000.0), 60.0);
    /// ```
    pub fn age(self, cookie_age: i64, now_ms: f64) -> f64 {
        match self {
            SessionExpiry::Default => cookie_age as f64,
            SessionExpiry::Seconds(0.0) => cookie_age as f64,
            // Django returns the number as it was set (a float stays a float; the cookie's
            // Max-Age is its int(), the cache timeout the number itself).
            SessionExpiry::Seconds(s) => s,
            // timedelta's days * 86400 + seconds: the floor of the difference.
            SessionExpiry::At(at) => ((at - now_ms) / 1000.0).floor(),
        }
    }

    /// Django's `get_expire_at_browser_close`.
    ///
    /// ```
    /// use edgecache::SessionExpiry;
    /// assert!(SessionExpiry::Seconds(0.0).at_browser_close(false));
    /// assert!(!SessionExpiry::Seconds(5.0).at_browser_close(true));
    /// assert!(SessionExpiry::Default.at_browser_close(true));
    /// ```
    pub fn at_browser_close(self, default: bool) -> bool {
        match self {
            SessionExpiry::Default => default,
            SessionExpiry::Seconds(s) => s == 0.0,
            SessionExpiry::At(_) => false,
        }
    }
}

/// What a request did with its session, as `SessionMiddleware.process_response` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionFacts {
    /// The request carried the session cookie (any value).
    pub had_cookie: bool,
    /// Its value is one Django keeps as the key until it loads the session (at least 8
    /// characters), even when it names no session.
    pub cookie_key: bool,
    /// The session has a key (loaded or created).
    pub has_key: bool,
    /// The session holds data.
    pub has_data: bool,
    /// The handler read or wrote the session.
    pub accessed: bool,
    /// The handler changed the session.
    pub modified: bool,
    /// Save on every request (`SESSION_SAVE_EVERY_REQUEST`).
    pub save_every_request: bool,
    /// The response status.
    pub status: u16,
}

/// What the middleware does to the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPlan {
    /// Add `Cookie` to `Vary`.
    pub vary_cookie: bool,
    /// Delete the session cookie (the session was emptied).
    pub delete_cookie: bool,
    /// Delete the stored data: the handler emptied a session that has a key.
    pub delete_data: bool,
    /// Save the session and set its cookie.
    pub save: bool,
}

/// Django's `SessionMiddleware.process_response` decisions, plus one: a session the
/// handler emptied (every value deleted) is deleted with its cookie, not saved empty.
///
/// ```
/// use edgecache::{session_plan, SessionFacts};
/// let facts = SessionFacts { had_cookie: false, cookie_key: false, has_key: false, has_data: true,
///     accessed: true, modified: true, save_every_request: false, status: 200 };
/// let plan = session_plan(facts);
/// assert!(plan.save && plan.vary_cookie && !plan.delete_cookie);
/// assert!(!session_plan(SessionFacts { status: 500, ..facts }).save);
/// // Saved on every request: an untouched request sets the cookie, and varies on it.
/// let every = SessionFacts { had_cookie: true, cookie_key: true, has_key: true, accessed: false,
///     modified: false, save_every_request: true, ..facts };
/// assert!(session_plan(every).save && session_plan(every).vary_cookie);
/// let emptied = session_plan(SessionFacts { had_cookie: true, has_key: true, has_data: false, ..facts });
/// assert!(emptied.delete_data && emptied.delete_cookie && !emptied.save);
/// // An untouched request whose cookie names an expired session: Django never looks.
/// let untouched = SessionFacts { had_cookie: true, cookie_key: true, has_key: false, has_data: false,
///     accessed: false, modified: false, ..facts };
/// assert_eq!(session_plan(untouched), session_plan(SessionFacts { had_cookie: false, ..untouched }));
/// ```
pub fn session_plan(f: SessionFacts) -> SessionPlan {
    // The one rule beyond Django's, for a response Django would save: a session the handler
    // emptied is deleted, not saved empty (on a 5xx, as Django, nothing changes).
    let emptied = f.modified && !f.has_data && f.status < 500;
    // Django's `is_empty`: no key and no data; an emptied session counts as empty.
    let empty = emptied || (!f.has_key && !f.has_data);
    // Django loads a session lazily: a request that never touched it does not learn that the
    // cookie names nothing, and keeps the cookie (unless Django's key check refused the value).
    let seen_empty = if f.accessed || f.modified {
        empty
    } else {
        !f.cookie_key
    };
    if f.had_cookie && seen_empty {
        return SessionPlan {
            vary_cookie: true,
            delete_cookie: true,
            delete_data: emptied && f.has_key,
            save: false,
        };
    }
    let save = (f.modified || f.save_every_request) && !empty && f.status < 500;
    SessionPlan {
        // Django 5.2 varies on Cookie when the session was read, and whenever it sets the
        // cookie (an untouched request under SESSION_SAVE_EVERY_REQUEST too).
        vary_cookie: f.accessed || save,
        delete_cookie: false,
        delete_data: emptied && f.has_key,
        save,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_uniform_over_the_alphabet() {
        let mut state = 7u64;
        let mut counts = [0u32; 36];
        for _ in 0..2000 {
            let key = session_key_from(|buf| {
                for b in buf.iter_mut() {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    *b = (state >> 56) as u8;
                }
            });
            assert!(is_session_key(&key));
            for c in key.bytes() {
                let i = SESSION_KEY_CHARS.iter().position(|x| *x == c).unwrap();
                counts[i] += 1;
            }
        }
        let mean = 2000.0 * 32.0 / 36.0;
        for c in counts {
            assert!((f64::from(c) - mean).abs() < mean * 0.1, "{counts:?}");
        }
    }

    #[test]
    fn bytes_above_the_limit_are_skipped() {
        let mut calls = 0;
        let key = session_key_from(|buf| {
            calls += 1;
            buf.fill(if calls == 1 { 255 } else { 36 });
        });
        assert_eq!(calls, 2);
        assert_eq!(key, "a".repeat(32));
    }

    #[test]
    fn os_keys_are_well_formed_and_distinct() {
        let keys: std::collections::HashSet<String> = (0..100).map(|_| new_session_key()).collect();
        assert_eq!(keys.len(), 100);
        assert!(keys.iter().all(|k| is_session_key(k)));
    }

    #[test]
    fn key_form() {
        assert!(!is_session_key(&"a".repeat(31)));
        assert!(!is_session_key(&"a".repeat(33)));
        assert!(!is_session_key(&format!("{}-", "a".repeat(31))));
        assert!(!is_session_key(&format!("{}é", "a".repeat(30))));
    }

    #[test]
    fn middleware_decisions() {
        let base = SessionFacts {
            had_cookie: true,
            cookie_key: true,
            has_key: true,
            has_data: true,
            accessed: false,
            modified: false,
            save_every_request: false,
            status: 200,
        };
        let untouched = session_plan(base);
        assert!(!untouched.vary_cookie && !untouched.save && !untouched.delete_cookie);
        // flush() clears (accessed, modified) and drops the key.
        let flushed = session_plan(SessionFacts {
            has_key: false,
            has_data: false,
            accessed: true,
            modified: true,
            ..base
        });
        assert!(flushed.delete_cookie && flushed.vary_cookie && !flushed.save);
        assert!(!flushed.delete_data, "flush deleted it already");
        let emptied = session_plan(SessionFacts {
            has_data: false,
            modified: true,
            ..base
        });
        assert!(emptied.delete_cookie && emptied.delete_data && !emptied.save);
        let kept = session_plan(SessionFacts {
            has_data: false,
            ..base
        });
        assert!(
            !kept.delete_cookie && !kept.delete_data,
            "untouched: left alone"
        );
        let anonymous = session_plan(SessionFacts {
            had_cookie: false,
            has_key: false,
            has_data: false,
            accessed: true,
            modified: true,
            ..base
        });
        assert!(anonymous.vary_cookie && !anonymous.save && !anonymous.delete_cookie);
        assert!(
            session_plan(SessionFacts {
                save_every_request: true,
                ..base
            })
            .save
        );
        assert!(
            !session_plan(SessionFacts {
                modified: true,
                status: 503,
                ..base
            })
            .save
        );
    }

    #[test]
    fn expiry_at_a_past_moment_is_negative() {
        assert_eq!(SessionExpiry::At(0.0).age(10, 1500.0), -2.0);
        assert_eq!(SessionExpiry::Seconds(-5.0).age(10, 0.0), -5.0);
    }
}
