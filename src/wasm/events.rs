//! The `onEvict` hook: removals are queued while the cache works and delivered in a
//! microtask, after the call that caused them returns, so the hook may use the cache.

use crate::{Listener, Removal};
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

type Queue = Rc<RefCell<Vec<(String, Removal)>>>;

/// A core listener that hands each removal to `hook(key, reason)`.
pub fn listener(hook: Function) -> Listener {
    let queue: Queue = Rc::default();
    Rc::new(move |key: &[u8], why: Removal| {
        let first = {
            let mut q = queue.borrow_mut();
            q.push((String::from_utf8_lossy(key).into_owned(), why));
            q.len() == 1
        };
        if first {
            let queue = Rc::clone(&queue);
            let hook = hook.clone();
            let deliver: JsValue =
                Closure::<dyn FnMut(JsValue) -> Result<(), JsValue>>::once_into_js(
                    move |_: JsValue| -> Result<(), JsValue> {
                        let events = std::mem::take(&mut *queue.borrow_mut());
                        let mut first_error = None;
                        for (key, why) in events {
                            // Every event is delivered; the first error thrown is rethrown after.
                            if let Err(e) =
                                hook.call2(&JsValue::NULL, &key.into(), &why.as_str().into())
                            {
                                first_error.get_or_insert(e);
                            }
                        }
                        first_error.map_or(Ok(()), Err)
                    },
                );
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
