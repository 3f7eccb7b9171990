//! Model-based test (moka style): random operation sequences run against the real cache and
//! a deliberately naive reference (a Vec in recency order, linear scans); any divergence fails.
#![cfg(not(target_arch = "wasm32"))]

use edgecache::codec::Numeric;
use edgecache::{entry_size, CacheConfig, Error, LocMemCache, ManualClock, Store, Timeout};
use proptest::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Debug, Clone)]
enum Op {
    Get(u8),
    Set(u8, u8, Option<i8>),
    Add(u8, u8, Option<i8>),
    Touch(u8, Option<i8>),
    Delete(u8),
    Has(u8),
    Incr(u8, i8),
    SetNumber(u8, i8),
    Clear,
    Advance(u8),
}

fn timeout(t: Option<i8>) -> Timeout {
    match t {
        None => Timeout::Default,
        Some(i8::MIN) => Timeout::Never,
        Some(s) => Timeout::Seconds(s as f64 / 2.0),
    }
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0u8..12;
    let t = prop_oneof![Just(None), Just(Some(i8::MIN)), (-2i8..20).prop_map(Some)];
    prop_oneof![
        4 => key.clone().prop_map(Op::Get),
        4 => (key.clone(), any::<u8>(), t.clone()).prop_map(|(k, v, t)| Op::Set(k, v, t)),
        2 => (key.clone(), any::<u8>(), t.clone()).prop_map(|(k, v, t)| Op::Add(k, v, t)),
        1 => (key.clone(), t).prop_map(|(k, t)| Op::Touch(k, t)),
        1 => key.clone().prop_map(Op::Delete),
        1 => key.clone().prop_map(Op::Has),
        1 => (key.clone(), any::<i8>()).prop_map(|(k, d)| Op::Incr(k, d)),
        1 => (key, any::<i8>()).prop_map(|(k, d)| Op::SetNumber(k, d)),
        1 => Just(Op::Clear),
        2 => (0u8..8).prop_map(Op::Advance),
    ]
}

/// The reference: entries in recency order, front = most recent.
struct Model {
    entries: Vec<(String, Vec<u8>, f64)>,
    now: f64,
    config: CacheConfig,
}

impl Model {
    fn pos(&self, k: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.0 == k)
    }
    fn live(&self, k: &str) -> Option<usize> {
        self.pos(k).filter(|&i| self.entries[i].2 > self.now)
    }
    fn expires(&self, t: Timeout) -> f64 {
        t.expires_at(self.config.default_timeout, self.now)
    }
    fn bytes(&self) -> usize {
        self.entries
            .iter()
            .map(|e| entry_size(e.0.len(), e.1.len()))
            .sum()
    }
    fn write(&mut self, k: &str, v: Vec<u8>, exp: f64) -> bool {
        let size = entry_size(k.len(), v.len());
        if self.config.max_bytes.is_some_and(|m| size > m) {
            if let Some(i) = self.pos(k) {
                self.entries.remove(i);
            }
            return false;
        }
        if self.entries.len() >= self.config.max_entries {
            let n = match self.config.cull_frequency {
                0 => self.entries.len(),
                f => self.entries.len() / f,
            };
            for _ in 0..n {
                self.entries.pop();
            }
        }
        if let Some(i) = self.pos(k) {
            self.entries.remove(i);
        }
        if let Some(max) = self.config.max_bytes {
            while self.bytes() + size > max && self.entries.pop().is_some() {}
        }
        self.entries.insert(0, (k.to_string(), v, exp));
        true
    }
    fn get(&mut self, k: &str) -> Option<Vec<u8>> {
        match (self.pos(k), self.live(k)) {
            (_, Some(i)) => {
                let e = self.entries.remove(i);
                let v = e.1.clone();
                self.entries.insert(0, e);
                Some(v)
            }
            (Some(i), None) => {
                self.entries.remove(i);
                None
            }
            _ => None,
        }
    }
}

fn run(config: CacheConfig, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let clock = ManualClock::new(0.0);
    let store = Rc::new(RefCell::new(Store::with_seed(9)));
    let mut cache = LocMemCache::with_store(config.clone(), Rc::new(clock.clone()), store);
    let mut model = Model {
        entries: Vec::new(),
        now: 0.0,
        config,
    };
    for op in ops {
        match op {
            Op::Get(k) => {
                let k = k.to_string();
                prop_assert_eq!(cache.get(&k), model.get(&k), "get {}", k);
            }
            Op::Set(k, v, t) => {
                let k = k.to_string();
                let value = vec![v; v as usize % 40];
                let exp = model.expires(timeout(t));
                let stored = model.write(&k, value.clone(), exp);
                prop_assert_eq!(cache.insert(&k, &value, timeout(t)), stored);
            }
            Op::Add(k, v, t) => {
                let k = k.to_string();
                let value = vec![v; 3];
                let expected = model.live(&k).is_none() && {
                    let exp = model.expires(timeout(t));
                    model.write(&k, value.clone(), exp)
                };
                prop_assert_eq!(cache.add(&k, &value, timeout(t)), expected);
            }
            Op::Touch(k, t) => {
                let k = k.to_string();
                let expected = match model.live(&k) {
                    Some(i) => {
                        model.entries[i].2 = model.expires(timeout(t));
                        true
                    }
                    None => false,
                };
                prop_assert_eq!(cache.touch(&k, timeout(t)), expected);
            }
            Op::Delete(k) => {
                let k = k.to_string();
                let expected = model.pos(&k).map(|i| model.entries.remove(i)).is_some();
                prop_assert_eq!(cache.remove(&k), expected);
            }
            Op::Has(k) => {
                let k = k.to_string();
                let expected = match (model.pos(&k), model.live(&k)) {
                    (_, Some(_)) => true,
                    (Some(i), None) => {
                        model.entries.remove(i);
                        false
                    }
                    _ => false,
                };
                prop_assert_eq!(cache.contains(&k), expected);
            }
            Op::SetNumber(k, d) => {
                let k = k.to_string();
                let value = Numeric::Float(d as f64).to_value();
                let exp = model.expires(Timeout::Default);
                let stored = model.write(&k, value.clone(), exp);
                prop_assert_eq!(cache.insert(&k, &value, Timeout::Default), stored);
            }
            Op::Incr(k, d) => {
                let k = k.to_string();
                let delta = Numeric::Float(d as f64);
                let expected = match (model.pos(&k), model.live(&k)) {
                    (_, Some(i)) => match Numeric::from_value(&model.entries[i].1) {
                        Some(n) => {
                            let sum = n.checked_add(&delta).unwrap();
                            let mut e = model.entries.remove(i);
                            e.1 = sum.to_value();
                            model.entries.insert(0, e);
                            Ok(sum)
                        }
                        None => Err(Error::NotANumber(k.clone())),
                    },
                    (Some(i), None) => {
                        model.entries.remove(i);
                        Err(Error::KeyNotFound(k.clone()))
                    }
                    _ => Err(Error::KeyNotFound(k.clone())),
                };
                prop_assert_eq!(cache.incr(&k, &delta), expected);
            }
            Op::Clear => {
                model.entries.clear();
                cache.clear();
            }
            Op::Advance(s) => {
                model.now += s as f64 / 2.0;
                clock.set(model.now);
            }
        }
        // Same contents, same order, same expiries, same accounted bytes, limits held.
        let actual: Vec<(String, Vec<u8>, f64)> = cache
            .entries()
            .into_iter()
            .map(|e| {
                (
                    e.key,
                    e.value,
                    e.ttl.map_or(f64::INFINITY, |t| t + model.now),
                )
            })
            .collect();
        prop_assert_eq!(&actual, &model.entries);
        prop_assert_eq!(cache.stats().bytes, model.bytes());
        if let Some(max) = model.config.max_bytes {
            prop_assert!(cache.stats().bytes <= max);
        }
    }
    Ok(())
}

fn config() -> impl Strategy<Value = CacheConfig> {
    (
        1usize..10,
        0usize..4,
        prop_oneof![Just(None), (60usize..400).prop_map(Some)],
        prop_oneof![Just(None), Just(Some(0.0)), Just(Some(3.0))],
    )
        .prop_map(|(max_entries, cull_frequency, max_bytes, t)| CacheConfig {
            max_entries,
            cull_frequency,
            max_bytes,
            default_timeout: t,
            ..CacheConfig::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]
    #[test]
    fn cache_matches_the_naive_model(config in config(), ops in proptest::collection::vec(op(), 1..120)) {
        run(config, ops)?;
    }
}
