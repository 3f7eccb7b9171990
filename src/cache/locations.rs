//! Django's process-global LocMemCache stores, keyed by LOCATION (per wasm instance here).

use crate::store::{Policy, Store};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static LOCATIONS: RefCell<HashMap<String, Rc<RefCell<Store>>>> = RefCell::new(HashMap::new());
}

/// The store for `location`, created on first use under `policy` and shared by every cache
/// naming it (later caches get the first one's policy).
///
/// ```
/// use edgecache::{shared_store, Policy};
/// let a = shared_store("here", Policy::Lru);
/// let b = shared_store("here", Policy::Adaptive { max_entries: 9, max_bytes: None });
/// assert!(std::rc::Rc::ptr_eq(&a, &b));
/// assert_eq!(b.borrow().policy(), Policy::Lru);
/// assert!(!std::rc::Rc::ptr_eq(&a, &shared_store("there", Policy::Lru)));
/// ```
pub fn shared_store(location: &str, policy: Policy) -> Rc<RefCell<Store>> {
    LOCATIONS.with(|locations| {
        locations
            .borrow_mut()
            .entry(location.to_string())
            .or_insert_with(|| Rc::new(RefCell::new(Store::with_policy(policy))))
            .clone()
    })
}
