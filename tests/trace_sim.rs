//! Hit ratios of the store's policies on a key-per-line trace (tuning aid, not run by default):
//! `EDGECACHE_TRACE=/tmp/oltp.txt EDGECACHE_SIZES=1000,2000 cargo test --release --test trace_sim -- --ignored --nocapture`
//! (`EDGECACHE_SEED=1` for a fixed hash seed)
use edgecache::{Policy, Store};

/// The hit ratio (%) and the policy's own bytes at the end.
fn ratio(keys: &[u64], size: usize, adaptive: bool) -> (f64, usize) {
    let policy = if adaptive {
        Policy::Adaptive {
            max_entries: size,
            max_bytes: None,
        }
    } else {
        Policy::Lru
    };
    // EDGECACHE_SEED fixes the hash (the same run every time), else a random one.
    let mut store = match std::env::var("EDGECACHE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(seed) => Store::with_policy_seed(policy, seed),
        None => Store::with_policy(policy),
    };
    let mut hits = 0usize;
    for k in keys {
        let key = k.to_le_bytes();
        if store.get(&key).is_some() {
            hits += 1;
        } else {
            store.insert(&key, b"", f64::INFINITY);
            store.make_room(size, None, None, |_| {});
        }
        assert!(store.len() <= size);
    }
    (
        100.0 * hits as f64 / keys.len() as f64,
        store.policy_bytes(),
    )
}

#[test]
#[ignore]
fn trace_hit_ratios() {
    let Ok(path) = std::env::var("EDGECACHE_TRACE") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let keys: Vec<u64> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    let distinct = keys.iter().collect::<std::collections::HashSet<_>>().len();
    let sizes: Vec<usize> = std::env::var("EDGECACHE_SIZES")
        .map(|s| s.split(',').map(|x| x.parse().unwrap()).collect())
        .unwrap_or_else(|_| {
            [0.001, 0.01, 0.1]
                .iter()
                .map(|f| ((distinct as f64 * f).round() as usize).max(1))
                .collect()
        });
    for size in sizes {
        let (adaptive, bytes) = ratio(&keys, size, true);
        println!(
            "{path} size {size}: lru {:.2} adaptive {adaptive:.2} ({} KiB of policy state)",
            ratio(&keys, size, false).0,
            bytes / 1024
        );
    }
}
