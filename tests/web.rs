//! The JS boundary in a real browser (headless Chromium): value round-trips of every
//! supported type, copy semantics, errors with codes, options. Run by
//! `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use edgecache::wasm::{configure_caches, get_cache, DummyCache, MemoryCache};
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const U: JsValue = JsValue::UNDEFINED;

/// Evaluates a JS expression.
fn js(expr: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expr});"))
        .call0(&JsValue::NULL)
        .expect(expr)
}

/// A structural deep equality that knows the types the cache supports.
fn deep_equal(a: &JsValue, b: &JsValue) -> bool {
    let f = Function::new_with_args(
        "a, b",
        r#"
        const eq = (a, b) => {
          if (Object.is(a, b)) return true;
          if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
          if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
          if (a instanceof Date) return Object.is(a.getTime(), b.getTime());
          if (a instanceof ArrayBuffer) return eq(new Uint8Array(a), new Uint8Array(b));
          if (a instanceof DataView) return eq(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
          if (ArrayBuffer.isView(a)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
          if (a instanceof Map) return a.size === b.size && [...a].every(([k, v], i) => { const [k2, v2] = [...b][i]; return eq(k, k2) && eq(v, v2); });
          if (a instanceof Set) return eq([...a], [...b]);
          const ka = Object.keys(a), kb = Object.keys(b);
          if (ka.join("\u0000") !== kb.join("\u0000")) return false;
          if (Array.isArray(a) && a.length !== b.length) return false;
          return ka.every((k) => eq(a[k], b[k]));
        };
        return eq(a, b);"#,
    );
    f.call2(&JsValue::NULL, a, b).unwrap().as_bool().unwrap()
}

fn code(err: &JsValue) -> String {
    Reflect::get(err, &"code".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn every_supported_type_round_trips_as_a_copy() {
    let cache = MemoryCache::new(U).unwrap();
    let values = [
        r#""""#,
        r#""héllo 清 😀""#,
        "0",
        "-0",
        "NaN",
        "Infinity",
        "-1.5e300",
        "true",
        "false",
        "null",
        "12345678901234567890123456789n",
        "-42n",
        "0n",
        "new Uint8Array([0, 1, 255])",
        "new Uint8Array(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2)",
        "new Int8Array([-1, 2])",
        "new Uint8ClampedArray([300])",
        "new Int16Array([-300, 2])",
        "new Uint16Array([65535])",
        "new Int32Array([-1])",
        "new Uint32Array([4294967295])",
        "new Float32Array([1.5, -0])",
        "new Float64Array([NaN, -0, 1e-300])",
        "new BigInt64Array([-5n])",
        "new BigUint64Array([2n ** 64n - 1n])",
        "new DataView(new Uint8Array([1, 2, 3]).buffer)",
        "new Uint8Array([4, 5]).buffer",
        "new Date(0)",
        "new Date(NaN)",
        "[1, 'two', [3, [4, null]], , undefined]",
        "({ a: 1, b: { c: [true, null] }, d: undefined, 'with space': 'x' })",
        "new Map([[1, 'one'], ['k', { v: [1n] }], [null, new Set([1, 'a'])]])",
        "new Set(['a', 1, 2n, null])",
    ];
    for (i, source) in values.iter().enumerate() {
        let original = js(source);
        let key = JsValue::from_str(&format!("v{i}"));
        cache.set(key.clone(), original.clone(), U).unwrap();
        let back = cache.get(key, U, U).unwrap();
        assert!(deep_equal(&original, &back), "round trip of {source}");
        if original.is_object() {
            assert!(original != back, "{source} must come back as a new object");
        }
    }
}

#[wasm_bindgen_test]
fn null_prototype_objects_come_back_plain_as_with_structured_clone() {
    let cache = MemoryCache::new(U).unwrap();
    let bare = js("Object.assign(Object.create(null), { bare: 1 })");
    cache.set("k".into(), bare.clone(), U).unwrap();
    let back = cache.get("k".into(), U, U).unwrap();
    let clone = Function::new_with_args("o", "return structuredClone(o)")
        .call1(&JsValue::NULL, &bare)
        .unwrap();
    assert!(deep_equal(&back, &clone));
    assert!(deep_equal(&back, &js("({ bare: 1 })")));
}

#[wasm_bindgen_test]
fn mutating_the_original_or_the_result_never_changes_the_cache() {
    let cache = MemoryCache::new(U).unwrap();
    let original = js("({ list: [1, 2], bytes: new Uint8Array([1]) })");
    cache.set("k".into(), original.clone(), U).unwrap();
    Function::new_with_args("o", "o.list.push(3); o.bytes[0] = 99;")
        .call1(&JsValue::NULL, &original)
        .unwrap();
    let first = cache.get("k".into(), U, U).unwrap();
    Function::new_with_args("o", "o.list.length = 0; o.added = true;")
        .call1(&JsValue::NULL, &first)
        .unwrap();
    let second = cache.get("k".into(), U, U).unwrap();
    assert!(deep_equal(
        &second,
        &js("({ list: [1, 2], bytes: new Uint8Array([1]) })")
    ));
}

#[wasm_bindgen_test]
fn proto_keys_stay_data_and_never_pollute() {
    let cache = MemoryCache::new(U).unwrap();
    cache
        .set(
            "p".into(),
            js(r#"JSON.parse('{"__proto__": {"polluted": 1}}')"#),
            U,
        )
        .unwrap();
    let back = cache.get("p".into(), U, U).unwrap();
    assert_eq!(
        js("Object.prototype.polluted"),
        U,
        "Object.prototype must stay clean"
    );
    let own = Function::new_with_args("o", "return Object.keys(o).join() + ':' + o.polluted")
        .call1(&JsValue::NULL, &back)
        .unwrap();
    assert_eq!(own.as_string().unwrap(), "__proto__:undefined");
}

#[wasm_bindgen_test]
fn unserializable_values_throw_type_errors_and_store_nothing() {
    let cache = MemoryCache::new(U).unwrap();
    cache.set("k".into(), "before".into(), U).unwrap();
    for source in [
        "undefined",
        "() => 1",
        "Symbol('s')",
        "new (class Point {})()",
        "(() => { const o = {}; o.self = o; return o; })()",
        "[1, () => 2]",
        "new Map([[1, Symbol.iterator]])",
        "new Number(1)",
    ] {
        let err = cache.set("k".into(), js(source), U).unwrap_err();
        assert!(err.is_instance_of::<js_sys::TypeError>(), "{source}");
        assert_eq!(code(&err), "UNSERIALIZABLE_VALUE", "{source}");
        assert_eq!(
            cache.get("k".into(), U, U).unwrap(),
            "before",
            "{source} changed the cache"
        );
    }
}

#[wasm_bindgen_test]
fn bad_arguments_name_the_problem_with_a_code() {
    let cache = MemoryCache::new(U).unwrap();
    let cases: [(&str, JsValue); 4] = [
        ("INVALID_KEY", cache.get(js("{}"), U, U).unwrap_err()),
        (
            "INVALID_TIMEOUT",
            cache.set("k".into(), 1.into(), "10".into()).unwrap_err(),
        ),
        (
            "INVALID_VERSION",
            cache
                .get("k".into(), U, js("({ version: 1.5 })"))
                .unwrap_err(),
        ),
        (
            "INVALID_DELTA",
            cache.incr("k".into(), "1".into(), U).unwrap_err(),
        ),
    ];
    for (expected, err) in cases {
        assert!(err.is_instance_of::<js_sys::TypeError>());
        assert_eq!(code(&err), expected);
    }
    let err = MemoryCache::new(js("({ maxEntries: -1 })")).err().unwrap();
    assert_eq!(code(&err), "INVALID_OPTION");
    let message = Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(message.contains("maxEntries"), "{message}");
    let err = MemoryCache::new(js("({ maxEntry: 1 })")).err().unwrap();
    assert_eq!(code(&err), "UNKNOWN_OPTION");
}

#[wasm_bindgen_test]
fn incr_on_numbers_and_bigints() {
    let cache = MemoryCache::new(U).unwrap();
    cache.set("n".into(), 1.5.into(), U).unwrap();
    assert_eq!(cache.incr("n".into(), U, U).unwrap(), 2.5);
    cache.set("b".into(), js("2n ** 70n"), U).unwrap();
    let sum = cache.incr("b".into(), js("1n"), U).unwrap();
    assert!(deep_equal(&sum, &js("2n ** 70n + 1n")));
    let err = cache.incr("missing".into(), U, U).unwrap_err();
    assert_eq!(code(&err), "KEY_NOT_FOUND");
    let message = Reflect::get(&err, &"message".into()).unwrap();
    assert_eq!(message, "Key ':1:missing' not found");
    cache.set("s".into(), "text".into(), U).unwrap();
    let err = cache.incr("s".into(), U, U).unwrap_err();
    assert!(err.is_instance_of::<js_sys::TypeError>());
}

#[wasm_bindgen_test]
fn injected_clock_drives_expiry() {
    let clock = js("({ t: 1000000, now() { return this.t; } })");
    let options = js("({})");
    Reflect::set(&options, &"clock".into(), &clock).unwrap();
    let cache = MemoryCache::new(options).unwrap();
    cache.set("k".into(), "v".into(), 2.into()).unwrap();
    Reflect::set(&clock, &"t".into(), &1_001_999.into()).unwrap();
    assert!(cache.has("k".into(), U).unwrap());
    Reflect::set(&clock, &"t".into(), &1_002_000.into()).unwrap();
    assert!(!cache.has("k".into(), U).unwrap());
}

#[wasm_bindgen_test]
fn registry_returns_one_instance_per_alias() {
    configure_caches(js(
        "({ default: { backend: 'memory', keyPrefix: 'site' }, off: { backend: 'dummy' } })",
    ))
    .unwrap();
    let a = get_cache("default".into()).unwrap();
    assert!(a == get_cache("default".into()).unwrap());
    assert!(get_cache("off".into()).unwrap() != a);
    let err = get_cache("nonexistent".into()).unwrap_err();
    let message = Reflect::get(&err, &"message".into()).unwrap();
    assert_eq!(message, "The connection 'nonexistent' doesn't exist.");
    // Not a string: a coded error (a `&str` parameter once read garbage and trapped).
    for alias in [JsValue::from_f64(1.0), js("({})"), U] {
        assert_eq!(code(&get_cache(alias).unwrap_err()), "INVALID_ARGUMENT");
    }
    let err = configure_caches(js("({ other: {} })")).unwrap_err();
    assert_eq!(code(&err), "MISSING_DEFAULT_CACHE");
    let dummy = DummyCache::new(U).unwrap();
    dummy.set("k".into(), 1.into(), U).unwrap();
    assert_eq!(dummy.get("k".into(), "d".into(), U).unwrap(), "d");
}
