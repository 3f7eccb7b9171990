//! JS values to and from the value encoding of `crate::codec` (Django's pickling).
//!
//! Strings and binary take the fast paths (one copy each way); everything else is walked
//! into tokens. What the encoding cannot copy faithfully throws `UNSERIALIZABLE_VALUE`.

use super::args::{bigint_bytes, bigint_value, is_plain_object, type_name};
use crate::codec::{self, BinaryKind, Decoder, Encoder, Token, Value};
use crate::Error;
use js_sys::{
    Array, ArrayBuffer, BigInt64Array, BigUint64Array, DataView, Date, Float32Array, Float64Array,
    Int16Array, Int32Array, Int8Array, Map, Object, Reflect, Set, Uint16Array, Uint32Array,
    Uint8Array, Uint8ClampedArray,
};
use wasm_bindgen::{JsCast, JsValue};

/// Nesting deeper than this is refused (recursion depth on the wasm stack).
pub const MAX_DEPTH: usize = 1000;

/// Encodes a value for storage.
pub fn encode(value: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(s) = value.as_string() {
        return Ok(codec::encode_string(&s));
    }
    if value.is_undefined() {
        return Err(unserializable(
            "undefined cannot be cached: it is what a miss returns (store null instead)",
        ));
    }
    if let Some((kind, bytes)) = binary(value) {
        return Ok(codec::encode_binary(kind, &bytes));
    }
    let mut e = Encoder::new();
    let mut ancestors = Vec::new();
    encode_token(value, &mut e, &mut ancestors)?;
    Ok(e.finish())
}

fn encode_token(v: &JsValue, e: &mut Encoder, ancestors: &mut Vec<JsValue>) -> Result<(), Error> {
    if v.is_undefined() {
        e.undefined();
    } else if v.is_null() {
        e.null();
    } else if let Some(b) = v.as_bool() {
        e.bool(b);
    } else if let Some(x) = v.as_f64() {
        e.number(x);
    } else if let Some(s) = v.as_string() {
        e.string(&s);
    } else if v.is_bigint() {
        e.bigint(&bigint_bytes(v)?);
    } else if v.is_object() {
        if ancestors.iter().any(|a| a == v) {
            return Err(unserializable("a circular reference cannot be cached"));
        }
        if ancestors.len() >= MAX_DEPTH {
            return Err(unserializable(&format!(
                "a value nested deeper than {MAX_DEPTH} levels cannot be cached"
            )));
        }
        ancestors.push(v.clone());
        encode_object(v, e, ancestors)?;
        ancestors.pop();
    } else {
        return Err(unserializable(&format!(
            "a {} cannot be cached",
            type_name(v)
        )));
    }
    Ok(())
}

fn encode_object(v: &JsValue, e: &mut Encoder, ancestors: &mut Vec<JsValue>) -> Result<(), Error> {
    if Array::is_array(v) {
        let array: &Array = v.unchecked_ref();
        let len = array.length();
        e.array(len as usize);
        for i in 0..len {
            let item = array.get(i);
            // Only an undefined read can be a hole; `in` tells them apart.
            if item.is_undefined() && !Reflect::has(array, &JsValue::from(i)).unwrap_or(true) {
                e.hole();
            } else {
                encode_token(&item, e, ancestors)?;
            }
        }
    } else if let Some(date) = v.dyn_ref::<Date>() {
        e.date(date.get_time());
    } else if let Some(map) = v.dyn_ref::<Map>() {
        e.map(map.size() as usize);
        for pair in map.entries().into_iter().flatten() {
            let pair: Array = pair.unchecked_into();
            encode_token(&pair.get(0), e, ancestors)?;
            encode_token(&pair.get(1), e, ancestors)?;
        }
    } else if let Some(set) = v.dyn_ref::<Set>() {
        e.set(set.size() as usize);
        for item in set.values().into_iter().flatten() {
            encode_token(&item, e, ancestors)?;
        }
    } else if let Some((kind, bytes)) = binary(v) {
        e.binary(kind, &bytes);
    } else if is_plain_object(v) {
        let keys = Object::keys(v.unchecked_ref::<Object>());
        e.object(keys.length() as usize);
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            let value = Reflect::get(v, &key).map_err(|_| {
                unserializable(&format!(
                    "property {} could not be read",
                    crate::py_repr(&name)
                ))
            })?;
            e.string(&name);
            encode_token(&value, e, ancestors)?;
        }
    } else if v.is_function() {
        return Err(unserializable("a function cannot be cached"));
    } else {
        let name = Reflect::get(v, &"constructor".into())
            .ok()
            .and_then(|c| Reflect::get(&c, &"name".into()).ok())
            .and_then(|n| n.as_string())
            .unwrap_or_else(|| "unknown".into());
        return Err(unserializable(&format!(
            "an instance of {name} cannot be cached: only plain objects, arrays, Map, Set, Date, \
             typed arrays and primitives can"
        )));
    }
    Ok(())
}

/// The kind and bytes of an ArrayBuffer, typed array or DataView.
fn binary(v: &JsValue) -> Option<(BinaryKind, Vec<u8>)> {
    if !v.is_object() {
        return None;
    }
    if let Some(u8s) = v.dyn_ref::<Uint8Array>() {
        return Some((BinaryKind::Uint8Array, u8s.to_vec()));
    }
    if let Some(buffer) = v.dyn_ref::<ArrayBuffer>() {
        return Some((BinaryKind::ArrayBuffer, Uint8Array::new(buffer).to_vec()));
    }
    if !ArrayBuffer::is_view(v) {
        return None;
    }
    let kind = if v.is_instance_of::<DataView>() {
        BinaryKind::DataView
    } else {
        let tag = Reflect::get(v, &js_sys::Symbol::to_string_tag())
            .ok()?
            .as_string()?;
        BinaryKind::ALL.into_iter().find(|k| k.name() == tag)?
    };
    let view = |name: &str| Reflect::get(v, &name.into()).ok().and_then(|x| x.as_f64());
    let buffer: ArrayBuffer = Reflect::get(v, &"buffer".into()).ok()?.dyn_into().ok()?;
    let offset = view("byteOffset")? as u32;
    let length = view("byteLength")? as u32;
    let bytes = Uint8Array::new_with_byte_offset_and_length(&buffer, offset, length).to_vec();
    Some((kind, bytes))
}

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

fn unserializable(message: &str) -> Error {
    Error::Unserializable(message.to_string())
}
