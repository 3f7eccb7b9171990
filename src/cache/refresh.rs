//! When a read should serve, refresh early, revalidate in the background, or recompute:
//! serve-stale windows and XFetch probabilistic early refresh.

use super::rng::Rng;

/// XFetch (Vattani, Chierichetti and Lowenstein, VLDB 2015): true when a read at `now`
/// should recompute a value that expires at `expires` and took `delta` seconds to compute.
/// The chance is `exp(-(expires - now) / (delta * beta))`: it grows as expiry nears and
/// with slow factories. `beta` 1 is the paper's optimum; more refreshes earlier.
///
/// ```
/// use edgecache::{xfetch_due, Rng};
/// let mut rng = Rng::new(3);
/// assert!(xfetch_due(100.0, 100.0, 1.0, 1.0, &mut rng)); // at expiry: always
/// assert!(!xfetch_due(0.0, 1000.0, 0.001, 1.0, &mut rng)); // far away: never in practice
/// ```
pub fn xfetch_due(now: f64, expires: f64, delta: f64, beta: f64, rng: &mut Rng) -> bool {
    if now >= expires {
        return true;
    }
    if !(delta > 0.0 && beta > 0.0 && expires.is_finite()) {
        return false;
    }
    // 1 - u lies in (0, 1], so ln is finite.
    let u = 1.0 - rng.next_f64();
    now - delta * beta * u.ln() >= expires
}

/// What a `getOrSet` read should do with what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serve {
    /// Fresh: return it.
    Fresh,
    /// Fresh, but XFetch picked this read to refresh it (return it, refresh in the background).
    Early,
    /// Stale inside `staleWhileRevalidate`: return it, refresh in the background.
    Revalidate,
    /// Stale inside `staleIfError` only: recompute, and return it if that fails.
    IfError,
    /// Too old to use: recompute.
    Miss,
}

impl Serve {
    /// The state as JS sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Serve::Fresh => "fresh",
            Serve::Early => "early",
            Serve::Revalidate => "revalidate",
            Serve::IfError => "ifError",
            Serve::Miss => "miss",
        }
    }
}

/// How a `getOrSet` caller wants stale and nearly stale values handled (seconds).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RefreshPolicy {
    /// Serve stale for this long after expiry while one refresh runs.
    pub stale_while_revalidate: f64,
    /// Serve stale for this long after expiry when the factory fails.
    pub stale_if_error: f64,
    /// XFetch's beta; `None` turns early refresh off.
    pub beta: Option<f64>,
}

/// What to do with a value expiring at `expires` that took `delta` seconds to compute.
///
/// ```
/// use edgecache::{serve_state, RefreshPolicy, Rng, Serve};
/// let p = RefreshPolicy { stale_while_revalidate: 10.0, stale_if_error: 60.0, beta: None };
/// let mut rng = Rng::new(1);
/// assert_eq!(serve_state(5.0, 10.0, 0.0, &p, &mut rng), Serve::Fresh);
/// assert_eq!(serve_state(15.0, 10.0, 0.0, &p, &mut rng), Serve::Revalidate);
/// assert_eq!(serve_state(30.0, 10.0, 0.0, &p, &mut rng), Serve::IfError);
/// assert_eq!(serve_state(80.0, 10.0, 0.0, &p, &mut rng), Serve::Miss);
/// ```
pub fn serve_state(
    now: f64,
    expires: f64,
    delta: f64,
    policy: &RefreshPolicy,
    rng: &mut Rng,
) -> Serve {
    if now < expires {
        return match policy.beta {
            Some(beta) if xfetch_due(now, expires, delta, beta, rng) => Serve::Early,
            _ => Serve::Fresh,
        };
    }
    let age = now - expires;
    if age < policy.stale_while_revalidate {
        Serve::Revalidate
    } else if age < policy.stale_if_error {
        Serve::IfError
    } else {
        Serve::Miss
    }
}
