//! The `onEvict` hook: removals are queued while the cache works and delivered in a
//! microtask, after the call that caused them returns, so the hook may use the cache.
//!
//! A hook can neither hang the host nor fail anything: removals caused by the hook's own
//! calls are not delivered back to it (a hook that writes the cache would otherwise feed
//! itself forever), and what it throws goes to `console.error` and the `hookErrors` counter.

use crate::{Listener, Removal};
use js_sys::{Function, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    fn console_error(message: &str, error: &JsValue) -> Result<(), JsValue>;
}

/// What a hook threw: reported where the host shows errors and counted, never rethrown.
pub fn report(hook: &str, error: &JsValue, errors: &Cell<u64>) {
    errors.set(errors.get() + 1);
    let _ = console_error(&format!("edgecache: the {hook} hook threw:"), error);
}

struct Queue {
    events: RefCell<Vec<(String, Removal)>>,
    /// True while the hook runs: what its own calls remove is not delivered to it.
    delivering: Cell<bool>,
}

/// A core listener that hands each removal to each of `hooks` (`hook(key, reason)`: onEvict,
/// then the event observer); `errors` counts throws.
pub fn listener(hooks: Vec<Function>, errors: Rc<Cell<u64>>) -> Listener {
    let queue = Rc::new(Queue {
        events: RefCell::default(),
        delivering: Cell::new(false),
    });
    // An async hook's rejection counts as a throw: one handler for every call.
    let rejected = Rc::new(Closure::<dyn Fn(JsValue)>::new({
        let errors = Rc::clone(&errors);
        move |error: JsValue| report("onEvict", &error, &errors)
    }));
    Rc::new(move |key: &[u8], why: Removal| {
        if queue.delivering.get() {
            return;
        }
        let first = {
            let mut q = queue.events.borrow_mut();
            q.push((String::from_utf8_lossy(key).into_owned(), why));
            q.len() == 1
        };
        if first {
            let queue = Rc::clone(&queue);
            let hooks = hooks.clone();
            let errors = Rc::clone(&errors);
            let rejected = Rc::clone(&rejected);
            let deliver: JsValue =
                Closure::<dyn FnMut(JsValue)>::once_into_js(move |_: JsValue| {
                    let events = std::mem::take(&mut *queue.events.borrow_mut());
                    queue.delivering.set(true);
                    for (key, why) in events {
                        for hook in &hooks {
                            let key = JsValue::from(key.as_str());
                            match hook.call2(&JsValue::NULL, &key, &why.as_str().into()) {
                                Ok(answer) => super::boundary::quiet(
                                    &answer,
                                    "onEvict",
                                    Some((*rejected).as_ref().unchecked_ref()),
                                ),
                                Err(e) => report("onEvict", &e, &errors),
                            }
                        }
                    }
                    queue.delivering.set(false);
                });
            schedule(&deliver);
        }
    })
}

/// Runs `task` in a microtask (`Promise.prototype.then`, present in every runtime).
fn schedule(task: &JsValue) {
    let promise = Promise::resolve(&JsValue::UNDEFINED);
    if let Ok(then) = Reflect::get(&promise, &"then".into()) {
        if let Some(then) = then.dyn_ref::<Function>() {
            let _ = then.call1(&promise, task);
        }
    }
}
