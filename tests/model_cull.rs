//! Model-based test of the store's lazy cull over thousands of entries (many recency buckets):
//! seeded random inserts, reads, removals, resizes and culls of every size, checked against a
//! naive Vec in recency order after every step.
#![cfg(not(target_arch = "wasm32"))]

use edgecache::{entry_size, Rng, Store};

/// The naive reference: (key, value), most recently used first.
#[derive(Default)]
struct Model {
    entries: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Model {
    fn pos(&self, key: &[u8]) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }
    fn insert(&mut self, key: &[u8], value: &[u8]) {
        if let Some(i) = self.pos(key) {
            self.entries.remove(i);
        }
        self.entries.insert(0, (key.to_vec(), value.to_vec()));
    }
    fn get(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        let i = self.pos(key)?;
        let entry = self.entries.remove(i);
        let value = entry.1.clone();
        self.entries.insert(0, entry);
        Some(value)
    }
    fn bytes(&self) -> usize {
        self.entries
            .iter()
            .map(|(k, v)| entry_size(k.len(), v.len()))
            .sum()
    }
}

fn key(rng: &mut Rng, keys: u64) -> Vec<u8> {
    format!("key:{}", rng.next_u64() % keys).into_bytes()
}

fn value(rng: &mut Rng) -> Vec<u8> {
    vec![b'v'; (rng.next_u64() % 40) as usize]
}

fn check(store: &Store, model: &Model, step: usize) {
    assert_eq!(store.len(), model.entries.len(), "len at step {step}");
    assert_eq!(store.bytes(), model.bytes(), "bytes at step {step}");
}

fn check_order(store: &Store, model: &Model, step: usize) {
    let got: Vec<(&[u8], &[u8])> = store.iter().map(|e| (e.key, e.value)).collect();
    let want: Vec<(&[u8], &[u8])> = model
        .entries
        .iter()
        .map(|(k, v)| (&k[..], &v[..]))
        .collect();
    assert!(got == want, "recency order differs at step {step}");
}

fn run(seed: u64, keys: u64, steps: usize) {
    let mut rng = Rng::new(seed);
    let mut store = Store::with_seed(seed);
    let mut model = Model::default();
    for step in 0..steps {
        match rng.next_u64() % 100 {
            0..=44 => {
                let (k, v) = (key(&mut rng, keys), value(&mut rng));
                store.insert(&k, &v, f64::INFINITY);
                model.insert(&k, &v);
            }
            45..=84 => {
                let k = key(&mut rng, keys);
                let got = store.get(&k).map(|e| e.value.to_vec());
                assert_eq!(got, model.get(&k), "get at step {step}");
            }
            85..=89 => {
                let k = key(&mut rng, keys);
                let removed = model.pos(&k).map(|i| model.entries.remove(i));
                assert_eq!(store.remove(&k), removed.is_some(), "remove at step {step}");
            }
            90..=93 => {
                let (k, v) = (key(&mut rng, keys), value(&mut rng));
                let present = match model.pos(&k) {
                    Some(i) => {
                        model.entries[i].1 = v.clone();
                        true
                    }
                    None => false,
                };
                assert_eq!(store.replace_value(&k, &v), present);
            }
            94..=97 => {
                let k = key(&mut rng, keys);
                let want = model.pos(&k).map(|i| model.entries[i].1.clone());
                assert_eq!(store.peek(&k).map(|e| e.value.to_vec()), want);
            }
            _ => {
                // Every size: none, a few, a third (Django), all, more than all.
                let len = model.entries.len();
                let count = match rng.next_u64() % 5 {
                    0 => 0,
                    1 => (rng.next_u64() % 8) as usize,
                    2 => len / 3,
                    3 => (rng.next_u64() as usize) % (len + 1),
                    _ => len + 1,
                };
                let culled = count.min(len);
                assert_eq!(store.cull(count), culled, "cull at step {step}");
                model.entries.truncate(len - culled);
            }
        }
        check(&store, &model, step);
        if step % 997 == 0 {
            check_order(&store, &model, step);
        }
    }
    check_order(&store, &model, steps);
    for (k, v) in &model.entries {
        assert_eq!(store.peek(k).map(|e| e.value), Some(&v[..]));
    }
}

#[test]
fn lazy_cull_matches_the_naive_model_across_many_buckets() {
    for seed in 1..=6 {
        run(seed, 3000, 40_000);
    }
}

#[test]
fn lazy_cull_matches_the_naive_model_on_a_small_key_space() {
    for seed in 10..=15 {
        run(seed, 300, 20_000);
    }
}

#[test]
fn culled_entries_are_freed_by_later_inserts() {
    let mut store = Store::with_seed(3);
    for i in 0..3000u32 {
        store.insert(format!("k{i}").as_bytes(), b"value", f64::INFINITY);
    }
    // Shuffle recency so culled entries are spread over many buckets.
    let mut rng = Rng::new(9);
    for _ in 0..5000 {
        store.get(format!("k{}", rng.next_u64() % 3000).as_bytes());
    }
    let bytes = store.bytes();
    assert_eq!(store.cull(1000), 1000);
    let (waiting, waiting_bytes) = store.culled();
    assert_eq!(waiting, 1000);
    assert_eq!(store.bytes() + waiting_bytes, bytes);
    // A key that was culled reads as missing and can be written again at once.
    let gone = (0..3000)
        .map(|i| format!("k{i}"))
        .find(|k| store.peek(k.as_bytes()).is_none())
        .expect("some key was culled");
    assert!(store.get(gone.as_bytes()).is_none());
    store.insert(gone.as_bytes(), b"back", f64::INFINITY);
    assert_eq!(
        store.peek(gone.as_bytes()).map(|e| e.value),
        Some(&b"back"[..])
    );
    // Each insert of a new key frees more culled entries than it allocates.
    let per_insert = 1000 - store.culled().0;
    assert!(
        per_insert > 1,
        "an insert freed {per_insert} culled entries"
    );
    let inserts = (1000 - per_insert).div_ceil(per_insert);
    for i in 0..inserts {
        store.insert(format!("new{i}").as_bytes(), b"v", f64::INFINITY);
    }
    assert_eq!(store.culled(), (0, 0));
    assert_eq!(store.len(), 2000 + 1 + inserts);
}
