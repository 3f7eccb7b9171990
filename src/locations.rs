//! Django's process-global LocMemCache stores, keyed by LOCATION (per wasm instance here).

use crate::store::Store;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static LOCATIONS: RefCell<HashMap<String, Rc<RefCell<Store>>>> = RefCell::new(HashMap::new());
}

/// The store for `location`, created on first use and shared by every cache naming it.
///
/// ```
/// let a = edgecache::shared_store("here");
/// let b = edgecache::shared_store("here");
/// assert!(std::rc::Rc::ptr_eq(&a, &b));
/// assert!(!std::rc::Rc::ptr_eq(&a, &edgecache::shared_store("there")));
/// ```
pub fn shared_store(location: &str) -> Rc<RefCell<Store>> {
    LOCATIONS.with(|locations| {
        locations
            .borrow_mut()
            .entry(location.to_string())
            .or_insert_with(|| Rc::new(RefCell::new(Store::new())))
            .clone()
    })
}
