//! Django's LocMemCache behaviours (spec sections 1.2-1.5) on the native core.
#![cfg(not(target_arch = "wasm32"))]

use edgecache::codec::{encode_string, Numeric};
use edgecache::{
    entry_size, shared_store, CacheConfig, Error, LocMemCache, ManualClock, Store, Timeout,
};
use std::cell::RefCell;
use std::rc::Rc;

fn cache_with(config: CacheConfig) -> (LocMemCache, ManualClock) {
    let clock = ManualClock::new(1_000.0);
    let store = Rc::new(RefCell::new(Store::with_seed(3)));
    (
        LocMemCache::with_store(config, Rc::new(clock.clone()), store),
        clock,
    )
}

fn cache() -> (LocMemCache, ManualClock) {
    cache_with(CacheConfig::default())
}

fn order(cache: &LocMemCache) -> Vec<String> {
    cache.entries().into_iter().map(|e| e.key).collect()
}

#[test]
fn cull_leaves_29_of_49_with_frequency_3() {
    let (mut c, _) = cache_with(CacheConfig {
        max_entries: 30,
        cull_frequency: 3,
        ..CacheConfig::default()
    });
    for i in 1..50 {
        c.insert(&format!("cull{i}"), b"v", Timeout::Default);
    }
    assert_eq!(c.len(), 29);
    assert_eq!(c.stats().counters.evictions, 20);
}

#[test]
fn cull_leaves_19_of_49_with_frequency_0() {
    let (mut c, _) = cache_with(CacheConfig {
        max_entries: 30,
        cull_frequency: 0,
        ..CacheConfig::default()
    });
    for i in 1..50 {
        c.insert(&format!("cull{i}"), b"v", Timeout::Default);
    }
    assert_eq!(c.len(), 19);
}

#[test]
fn cull_runs_even_on_overwrite_and_removes_least_recent() {
    let (mut c, _) = cache_with(CacheConfig {
        max_entries: 3,
        ..CacheConfig::default()
    });
    for k in ["a", "b", "c"] {
        c.insert(k, b"v", Timeout::Default);
    }
    c.insert("c", b"v2", Timeout::Default); // len 3 >= 3: culls 1 (the LRU, "a")
    assert_eq!(order(&c), ["c", "b"]);
}

#[test]
fn recency_rules() {
    let (mut c, _) = cache();
    let one = Numeric::Float(1.0);
    c.insert("a", b"v", Timeout::Default);
    c.insert("b", &one.to_value(), Timeout::Default);
    c.insert("c", b"v", Timeout::Default);
    assert_eq!(order(&c), ["c", "b", "a"]);
    c.get("a"); // a get hit moves to the front
    assert_eq!(order(&c), ["a", "c", "b"]);
    c.contains("b"); // has_key does not
    c.touch("b", Timeout::Default); // touch does not
    assert!(!c.add("b", b"x", Timeout::Default)); // a failed add does not
    assert_eq!(order(&c), ["a", "c", "b"]);
    c.incr("b", &one).unwrap(); // incr does
    assert_eq!(order(&c), ["b", "a", "c"]);
    assert!(c.add("d", b"x", Timeout::Default)); // a successful add does
    assert_eq!(order(&c)[0], "d");
}

#[test]
fn zero_negative_float_and_forever_timeouts() {
    let (mut c, clock) = cache();
    assert!(c.add("zero", b"v", Timeout::Seconds(0.0))); // still "succeeds"
    assert_eq!(c.get("zero"), None);
    c.insert("neg", b"v", Timeout::Seconds(-5.0));
    assert!(!c.contains("neg"));
    c.insert("float", b"v", Timeout::Seconds(0.5));
    c.insert("forever", b"v", Timeout::Never);
    c.insert("default", b"v", Timeout::Default);
    clock.advance(0.49);
    assert!(c.contains("float"));
    clock.advance(0.01); // exactly at expiry: exp <= now
    assert!(!c.contains("float"));
    clock.advance(299.5);
    assert!(!c.contains("default"));
    clock.advance(1e9);
    assert!(c.contains("forever"));
}

#[test]
fn configured_default_timeout_of_zero_expires_at_once() {
    let (mut c, _) = cache_with(CacheConfig {
        default_timeout: Some(0.0),
        ..CacheConfig::default()
    });
    c.insert("k", b"v", Timeout::Default);
    assert_eq!(c.get("k"), None);
}

#[test]
fn touch_rules() {
    let (mut c, clock) = cache();
    c.insert("k", b"v", Timeout::Seconds(10.0));
    assert!(c.touch("k", Timeout::Never));
    clock.advance(100.0);
    assert!(c.contains("k"));
    assert!(c.touch("k", Timeout::Seconds(0.0))); // True, then expired
    assert!(!c.contains("k"));
    assert!(!c.touch("missing", Timeout::Default));
    // touch on an expired key returns false and does not delete it
    c.insert("e", b"v", Timeout::Seconds(1.0));
    clock.advance(2.0);
    assert!(!c.touch("e", Timeout::Default));
    assert_eq!(c.len(), 1);
}

#[test]
fn delete_of_expired_but_present_key_is_true() {
    let (mut c, clock) = cache();
    c.insert("k", b"v", Timeout::Seconds(1.0));
    clock.advance(5.0);
    assert!(c.remove("k"));
    assert!(!c.remove("k"));
}

#[test]
fn incr_keeps_expiry_and_never_culls() {
    let (mut c, clock) = cache_with(CacheConfig {
        max_entries: 1,
        ..CacheConfig::default()
    });
    c.insert("n", &Numeric::Float(1.0).to_value(), Timeout::Seconds(10.0));
    assert_eq!(c.incr("n", &Numeric::Float(5.0)), Ok(Numeric::Float(6.0)));
    assert_eq!(c.len(), 1);
    clock.advance(9.0);
    assert_eq!(c.incr("n", &Numeric::Float(-1.5)), Ok(Numeric::Float(4.5)));
    clock.advance(1.0);
    assert_eq!(
        c.incr("n", &Numeric::Float(1.0)),
        Err(Error::KeyNotFound("n".into()))
    );
    assert_eq!(c.len(), 0); // met expired: deleted
    c.insert("s", &encode_string("text"), Timeout::Default);
    assert_eq!(
        c.incr("s", &Numeric::Float(1.0)),
        Err(Error::NotANumber("s".into()))
    );
}

#[test]
fn expired_entries_are_deleted_when_read() {
    let (mut c, clock) = cache();
    c.insert("k", b"v", Timeout::Seconds(1.0));
    clock.advance(1.0);
    assert_eq!(c.get("k"), None);
    assert_eq!(c.len(), 0);
    let s = c.stats().counters;
    assert_eq!((s.misses, s.expirations), (1, 1));
}

#[test]
fn byte_budget_is_never_exceeded_and_oversize_values_are_refused() {
    let budget = entry_size(2, 100) * 3;
    let (mut c, _) = cache_with(CacheConfig {
        max_bytes: Some(budget),
        ..CacheConfig::default()
    });
    for i in 10..20 {
        c.insert(&format!("{i}"), &[7u8; 100], Timeout::Default);
        assert!(c.stats().bytes <= budget);
    }
    assert_eq!(order(&c), ["19", "18", "17"]);
    assert_eq!(c.stats().counters.evictions, 7);
    // one value larger than the whole budget: refused, and the old value is gone
    assert!(!c.insert("19", &vec![0u8; budget], Timeout::Default));
    assert_eq!(c.get("19"), None);
    assert_eq!(c.stats().counters.rejected, 1);
    assert!(!c.add("big", &vec![0u8; budget], Timeout::Default));
}

#[test]
fn caches_sharing_a_location_share_data_but_not_settings() {
    let clock = Rc::new(ManualClock::new(0.0));
    let store = shared_store("tests::shared", edgecache::Policy::Lru);
    let mut a = LocMemCache::with_store(CacheConfig::default(), clock.clone(), store.clone());
    let mut b = LocMemCache::with_store(
        CacheConfig {
            key_prefix: "b".into(),
            ..CacheConfig::default()
        },
        clock,
        store,
    );
    let key = a.make_key("k", None);
    a.insert(&key, b"v", Timeout::Default);
    assert_eq!(b.get(&key), Some(b"v".to_vec()));
    assert_eq!(b.make_key("k", Some(2)), "b:2:k");
    let mut isolated = LocMemCache::with_store(
        CacheConfig::default(),
        Rc::new(ManualClock::new(0.0)),
        shared_store("tests::other", edgecache::Policy::Lru),
    );
    assert_eq!(isolated.get(&key), None);
}

#[test]
fn stats_count_every_event() {
    let (mut c, _) = cache();
    c.insert("a", b"1", Timeout::Default);
    c.add("b", b"2", Timeout::Default);
    c.add("b", b"2", Timeout::Default);
    c.get("a");
    c.get("zz");
    c.remove("a");
    let s = c.stats();
    assert_eq!(
        (
            s.counters.sets,
            s.counters.adds,
            s.counters.hits,
            s.counters.misses,
            s.counters.deletes
        ),
        (1, 1, 1, 1, 1)
    );
    assert_eq!(s.entries, 1);
    assert_eq!(s.bytes, entry_size(1, 1));
    assert_eq!(s.hit_ratio(), 0.5);
}

/// A clock that counts its readings.
struct CountingClock(std::cell::Cell<u32>);

impl edgecache::Clock for CountingClock {
    fn now(&self) -> f64 {
        self.0.set(self.0.get() + 1);
        1_000.0
    }
}

#[test]
fn writes_that_never_expire_do_not_read_the_clock_unless_a_listener_needs_it() {
    let clock = Rc::new(CountingClock(std::cell::Cell::new(0)));
    let forever = CacheConfig {
        default_timeout: None,
        ..CacheConfig::default()
    };
    let mut c = LocMemCache::new(forever, clock.clone());
    c.insert("a", b"v", Timeout::Never);
    c.insert("a", b"w", Timeout::Default);
    c.insert("b", b"v", Timeout::Seconds(f64::INFINITY));
    assert_eq!(clock.0.get(), 0);
    assert_eq!(c.get("a").as_deref(), Some(&b"w"[..]));
    // A timeout needs the time; so does a listener, to say whether the old value had expired.
    let before = clock.0.get();
    c.insert("c", b"v", Timeout::Seconds(5.0));
    assert_eq!(clock.0.get(), before + 1);
    let reasons = Rc::new(RefCell::new(Vec::new()));
    let seen = reasons.clone();
    c.set_listener(Some(Rc::new(move |_: &[u8], why| {
        seen.borrow_mut().push(why)
    })));
    let before = clock.0.get();
    c.insert("a", b"x", Timeout::Never);
    assert_eq!(clock.0.get(), before + 1);
    assert_eq!(reasons.borrow().len(), 1);
}
