//! Model-based test of the adaptive policy: random operation sequences against a naive
//! reference map that never evicts. The cache may hold fewer entries (that is its policy),
//! but never more than its limits, never a value the reference does not hold live, and its
//! stats must account for every entry that left.
#![cfg(not(target_arch = "wasm32"))]

use edgecache::{
    entry_size, CacheConfig, EvictionPolicy, LocMemCache, ManualClock, Policy, Store, Timeout,
};
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

#[derive(Debug, Clone)]
enum Op {
    Get(u8),
    Set(u8, u8, Option<u8>),
    Add(u8, u8),
    Delete(u8),
    Has(u8),
    Clear,
    Advance(u8),
}

fn op() -> impl Strategy<Value = Op> {
    // More keys than the cache holds, skewed so some are hot.
    let key = prop_oneof![3 => 0u8..6, 1 => 0u8..40];
    prop_oneof![
        5 => key.clone().prop_map(Op::Get),
        4 => (key.clone(), any::<u8>(), prop::option::of(1u8..20)).prop_map(|(k, v, t)| Op::Set(k, v, t)),
        1 => (key.clone(), any::<u8>()).prop_map(|(k, v)| Op::Add(k, v)),
        1 => key.clone().prop_map(Op::Delete),
        1 => key.prop_map(Op::Has),
        1 => Just(Op::Clear),
        1 => (0u8..8).prop_map(Op::Advance),
    ]
}

fn run(config: CacheConfig, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let clock = ManualClock::new(0.0);
    let store = Store::with_policy(config.store_policy());
    let mut cache = LocMemCache::with_store(
        config.clone(),
        Rc::new(clock.clone()),
        Rc::new(RefCell::new(store)),
    );
    // key -> (value, expires): what a cache that never evicts would hold.
    let mut model: BTreeMap<String, (Vec<u8>, f64)> = BTreeMap::new();
    let mut now = 0.0;
    let live = |m: &BTreeMap<String, (Vec<u8>, f64)>, k: &str, now: f64| {
        m.get(k).filter(|e| e.1 > now).map(|e| e.0.clone())
    };
    let (mut gets, mut evictions_seen) = (0u64, 0u64);
    for op in ops {
        let before: BTreeSet<String> = cache.entries().into_iter().map(|e| e.key).collect();
        let mut removed_by_op: Option<String> = None;
        let mut written: Option<String> = None;
        match &op {
            Op::Get(k) => {
                let k = k.to_string();
                gets += 1;
                let got = cache.get(&k);
                let expected = live(&model, &k, now);
                if let Some(v) = &got {
                    prop_assert_eq!(
                        Some(v),
                        expected.as_ref(),
                        "a value the model does not hold"
                    );
                }
                removed_by_op = Some(k);
            }
            Op::Set(k, v, t) => {
                let k = k.to_string();
                let value = vec![*v; *v as usize % 50];
                let timeout = t.map_or(Timeout::Never, |s| Timeout::Seconds(f64::from(s)));
                let stored = cache.insert(&k, &value, timeout);
                let fits = config
                    .max_bytes
                    .is_none_or(|m| entry_size(k.len(), value.len()) <= m);
                prop_assert_eq!(stored, fits);
                if stored {
                    let exp = t.map_or(f64::INFINITY, |s| now + f64::from(s));
                    written = Some(k.clone());
                    model.insert(k, (value, exp));
                } else {
                    // Too big for the budget: the old value goes too (Django's set semantics).
                    model.remove(&k);
                    removed_by_op = Some(k);
                }
            }
            Op::Add(k, v) => {
                let k = k.to_string();
                let present = cache.contains(&k);
                let added = cache.add(&k, &[*v; 4], Timeout::Never);
                prop_assert_eq!(added, !present);
                if added {
                    written = Some(k.clone());
                    model.insert(k, (vec![*v; 4], f64::INFINITY));
                }
            }
            Op::Delete(k) => {
                let k = k.to_string();
                cache.remove(&k);
                model.remove(&k);
                removed_by_op = Some(k);
            }
            Op::Has(k) => {
                let k = k.to_string();
                if cache.contains(&k) {
                    prop_assert!(live(&model, &k, now).is_some(), "has() of a dead key");
                }
                removed_by_op = Some(k);
            }
            Op::Clear => {
                cache.clear();
                model.clear();
            }
            Op::Advance(s) => {
                now += f64::from(*s);
                clock.set(now);
            }
        }
        let entries = cache.entries();
        // Limits held; accounted bytes exact.
        prop_assert!(entries.len() <= config.max_entries);
        let bytes: usize = entries.iter().map(|e| e.bytes).sum();
        prop_assert_eq!(cache.stats().bytes, bytes);
        if let Some(max) = config.max_bytes {
            prop_assert!(bytes <= max);
        }
        // Every stored entry is the model's, value and expiry.
        for e in &entries {
            let (value, exp) = model
                .get(&e.key)
                .cloned()
                .expect("an entry the model lacks");
            prop_assert_eq!(&e.value, &value);
            prop_assert_eq!(e.ttl.map_or(f64::INFINITY, |t| t + now), exp);
        }
        // Every entry that left, other than by this op's own key or a clear, was evicted; so
        // was a new key the policy did not admit.
        let after: BTreeSet<String> = entries.into_iter().map(|e| e.key).collect();
        if !matches!(op, Op::Clear) {
            let left = before
                .difference(&after)
                .filter(|k| Some(*k) != removed_by_op.as_ref())
                .count() as u64;
            let refused = written.filter(|k| !before.contains(k) && !after.contains(k));
            evictions_seen += left + u64::from(refused.is_some());
            prop_assert_eq!(cache.stats().counters.evictions, evictions_seen);
        }
        let c = cache.stats().counters;
        prop_assert_eq!(c.hits + c.misses, gets);
    }
    Ok(())
}

fn config() -> impl Strategy<Value = CacheConfig> {
    (
        1usize..12,
        prop_oneof![Just(None), (80usize..600).prop_map(Some)],
    )
        .prop_map(|(max_entries, max_bytes)| CacheConfig {
            max_entries,
            max_bytes,
            policy: EvictionPolicy::Adaptive,
            ..CacheConfig::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn adaptive_cache_stays_within_the_model(config in config(), ops in proptest::collection::vec(op(), 1..200)) {
        run(config, ops)?;
    }
}

/// A hot set then a long scan of one-off keys: LRU loses the hot set, adaptive keeps it.
#[test]
fn a_scan_does_not_flush_the_hot_set() {
    let hits_after_scan = |policy: EvictionPolicy| {
        let config = CacheConfig {
            max_entries: 100,
            policy,
            cull_frequency: 100, // one entry per cull: plain LRU
            ..CacheConfig::default()
        };
        let mut cache = LocMemCache::new(config, Rc::new(ManualClock::new(0.0)));
        let hot: Vec<String> = (0..50).map(|i| format!("hot{i}")).collect();
        for _ in 0..5 {
            for k in &hot {
                if cache.get(k).is_none() {
                    cache.insert(k, b"v", Timeout::Never);
                }
            }
        }
        for i in 0..1000 {
            let k = format!("scan{i}");
            if cache.get(&k).is_none() {
                cache.insert(&k, b"v", Timeout::Never);
            }
        }
        hot.iter().filter(|k| cache.get(k).is_some()).count()
    };
    assert_eq!(hits_after_scan(EvictionPolicy::Lru), 0);
    assert!(
        hits_after_scan(EvictionPolicy::Adaptive) >= 45,
        "the hot set survives"
    );
}

/// A one-off key never displaces a frequently used one at the main segment's door.
#[test]
fn admission_compares_frequencies() {
    let mut store = Store::with_policy(Policy::Adaptive {
        max_entries: 10,
        max_bytes: None,
    });
    // The sketch counts from half full on (as Caffeine's): the uses come after the fill.
    for i in 0..10u8 {
        store.insert(&[i], b"v", f64::INFINITY);
        store.make_room(10, None, None, |_| {});
    }
    for i in 0..10u8 {
        for _ in 0..3 {
            store.get(&[i]);
        }
    }
    let mut evicted = Vec::new();
    for i in 100..130u8 {
        store.insert(&[i], b"v", f64::INFINITY);
        store.make_room(10, None, None, |k| evicted.push(k[0]));
    }
    assert_eq!(store.len(), 10);
    // Newcomers (used once) lose to the used entries: at most the two that leave the window
    // and compete with probation's eldest (inserted before the sketch counted) trade places.
    assert!(
        evicted.iter().filter(|k| **k >= 100).count() >= 28,
        "{evicted:?}"
    );
    assert!(
        (0..10u8).filter(|i| store.peek(&[*i]).is_some()).count() >= 8,
        "{evicted:?}"
    );
}

/// A large entry must beat every victim it would displace (byte-weighted admission).
#[test]
fn a_large_newcomer_must_earn_its_bytes() {
    let size = |n: usize| edgecache::entry_size(1, n);
    let max = 20 * size(10);
    let mut store = Store::with_policy(Policy::Adaptive {
        max_entries: 1000,
        max_bytes: Some(max),
    });
    // The sketch counts from half full on (as Caffeine's): the uses come after the fill.
    for i in 0..20u8 {
        store.insert(&[i], &[0; 10], f64::INFINITY);
        store.make_room(1000, Some(max), None, |_| {});
    }
    for i in 0..20u8 {
        store.get(&[i]);
    }
    let kept = store.len();
    // A one-off value as big as half the budget: it is the one to go.
    store.insert(&[200], &vec![0; 10 * size(10)], f64::INFINITY);
    let mut evicted = Vec::new();
    store.make_room(1000, Some(max), None, |k| evicted.push(k[0]));
    assert!(store.bytes() <= max);
    assert_eq!(evicted, vec![200]);
    assert_eq!(store.len(), kept);
}
