//! Stored values back into JS values (`crate::codec`'s encoding). Encoding happens in JS
//! (js/boundary.js, through `super::boundary`), where a caller's getters and traps run.

use super::args::bigint_value;
use crate::codec::{self, BinaryKind, Decoder, Token, Value};
use crate::Error;
use js_sys::{
    Array, BigInt64Array, BigUint64Array, DataView, Date, Float32Array, Float64Array, Int16Array,
    Int32Array, Int8Array, Map, Object, Reflect, Set, Uint16Array, Uint32Array, Uint8Array,
    Uint8ClampedArray,
};
use wasm_bindgen::JsValue;

/// Nesting deeper than this is refused (recursion depth on the wasm stack).
pub const MAX_DEPTH: usize = 1000;

/// What a read produces while the store is borrowed: strings and binary are built at once
/// (no user code can run); structured values are copied out and built after the borrow.
pub enum Read {
    /// A finished value.
    Ready(JsValue),
    /// Structured bytes to decode with [`decode`].
    Copied(Vec<u8>),
}

/// The fast half of decoding, safe to call while the store is borrowed.
pub fn read(bytes: &[u8]) -> Read {
    match codec::decode(bytes) {
        Ok(Value::String(s)) => Read::Ready(JsValue::from_str(s)),
        Ok(Value::Binary(kind, b)) => Read::Ready(make_binary(kind, b)),
        _ => Read::Copied(bytes.to_vec()),
    }
}

/// Finishes a [`Read`].
pub fn finish(read: Read) -> Result<JsValue, Error> {
    match read {
        Read::Ready(v) => Ok(v),
        Read::Copied(bytes) => decode(&bytes),
    }
}

/// Decodes a stored value into a new JS value.
pub fn decode(bytes: &[u8]) -> Result<JsValue, Error> {
    match codec::decode(bytes)? {
        Value::String(s) => Ok(JsValue::from_str(s)),
        Value::Binary(kind, b) => Ok(make_binary(kind, b)),
        Value::Structured(mut d) => {
            let value = build(&mut d, 0)?;
            if d.is_done() {
                Ok(value)
            } else {
                Err(Error::Corrupt("trailing bytes".into()))
            }
        }
    }
}

fn build(d: &mut Decoder<'_>, depth: usize) -> Result<JsValue, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::Corrupt("nested too deep".into()));
    }
    Ok(match d.next_token()? {
        Token::Undefined => JsValue::UNDEFINED,
        // Only meaningful inside an array, where `build_array` skips it.
        Token::Hole => JsValue::UNDEFINED,
        Token::Null => JsValue::NULL,
        Token::Bool(b) => JsValue::from_bool(b),
        Token::Number(x) => JsValue::from_f64(x),
        Token::BigInt(b) => bigint_value(b),
        Token::String(s) => JsValue::from_str(s),
        Token::Date(ms) => Date::new(&JsValue::from_f64(ms)).into(),
        Token::Binary(kind, b) => make_binary(kind, b),
        Token::Array(n) => {
            let array = Array::new_with_length(n as u32);
            for i in 0..n {
                if d.peek_hole() {
                    continue;
                }
                array.set(i as u32, build(d, depth + 1)?);
            }
            array.into()
        }
        Token::Object(n) => {
            let object = Object::new();
            for _ in 0..n {
                let name = JsValue::from_str(d.next_string()?);
                let value = build(d, depth + 1)?;
                define(&object, &name, &value);
            }
            object.into()
        }
        Token::Map(n) => {
            let map = Map::new();
            for _ in 0..n {
                let k = build(d, depth + 1)?;
                let v = build(d, depth + 1)?;
                map.set(&k, &v);
            }
            map.into()
        }
        Token::Set(n) => {
            let set = Set::new(&JsValue::UNDEFINED);
            for _ in 0..n {
                set.add(&build(d, depth + 1)?);
            }
            set.into()
        }
    })
}

/// An own data property, even for `__proto__` (a plain `Reflect.set` would set the prototype).
fn define(object: &Object, name: &JsValue, value: &JsValue) {
    if name.as_string().as_deref() == Some("__proto__") {
        let descriptor = Object::new();
        for (k, v) in [
            ("value", value.clone()),
            ("writable", JsValue::TRUE),
            ("enumerable", JsValue::TRUE),
            ("configurable", JsValue::TRUE),
        ] {
            let _ = Reflect::set(&descriptor, &k.into(), &v);
        }
        Object::define_property(object, name, &descriptor);
    } else {
        let _ = Reflect::set(object, name, value);
    }
}

fn make_binary(kind: BinaryKind, bytes: &[u8]) -> JsValue {
    let u8s = Uint8Array::from(bytes);
    if kind == BinaryKind::Uint8Array {
        return u8s.into();
    }
    let buffer = u8s.buffer();
    let elements = |size: usize| (bytes.len() / size) as u32;
    match kind {
        BinaryKind::Uint8Array => u8s.into(),
        BinaryKind::ArrayBuffer => buffer.into(),
        BinaryKind::Int8Array => Int8Array::new(&buffer).into(),
        BinaryKind::Uint8ClampedArray => Uint8ClampedArray::new(&buffer).into(),
        BinaryKind::Int16Array => {
            Int16Array::new_with_byte_offset_and_length(&buffer, 0, elements(2)).into()
        }
        BinaryKind::Uint16Array => {
            Uint16Array::new_with_byte_offset_and_length(&buffer, 0, elements(2)).into()
        }
        BinaryKind::Int32Array => {
            Int32Array::new_with_byte_offset_and_length(&buffer, 0, elements(4)).into()
        }
        BinaryKind::Uint32Array => {
            Uint32Array::new_with_byte_offset_and_length(&buffer, 0, elements(4)).into()
        }
        BinaryKind::Float32Array => {
            Float32Array::new_with_byte_offset_and_length(&buffer, 0, elements(4)).into()
        }
        BinaryKind::Float64Array => {
            Float64Array::new_with_byte_offset_and_length(&buffer, 0, elements(8)).into()
        }
        BinaryKind::BigInt64Array => {
            BigInt64Array::new_with_byte_offset_and_length(&buffer, 0, elements(8)).into()
        }
        BinaryKind::BigUint64Array => {
            BigUint64Array::new_with_byte_offset_and_length(&buffer, 0, elements(8)).into()
        }
        BinaryKind::DataView => DataView::new(&buffer, 0, bytes.len()).into(),
    }
}
