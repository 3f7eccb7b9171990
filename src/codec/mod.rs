//! The value encoding: what the memory store holds and what KV persistence will write.
//!
//! A value is one byte string whose first byte says its form:
//!
//! | first byte | form | rest |
//! |---|---|---|
//! | `0x01` | string (fast path) | UTF-8 bytes |
//! | `0x02` | binary (fast path) | one [`BinaryKind`] byte, then the raw bytes |
//! | `0x03` | structured | one token tree (below) |
//! | `0x04` | string of ASCII only (MemoryCache's JS fast path writes it) | ASCII bytes |
//!
//! Tokens: `0x10` undefined (nested only), `0x11` null, `0x12` false, `0x13` true,
//! `0x14` number (f64, 8 bytes LE, so -0 and NaN survive), `0x15` bigint (varint length,
//! two's-complement LE bytes), `0x16` string (varint length, UTF-8), `0x17` Date (f64 ms),
//! `0x18` binary (kind byte, varint length, bytes), `0x19` array (varint n, n tokens),
//! `0x1a` plain object (varint n, n string-token/value pairs), `0x1b` Map (varint n, n
//! key/value pairs), `0x1c` Set (varint n, n tokens), `0x1d` an array hole (sparse arrays).
//! Varints are unsigned LEB128.
//!
//! Decoding never panics: any byte string either decodes or yields [`crate::Error::Corrupt`].
//!
//! Owns the value bytes and Python's reprs of values (`pystr`), big integers (`bigint`).
//! Depends on nothing else in the crate (the error type aside); js/encode.js and
//! js/decode.js write and read the same bytes, and Rust validates what JS hands it.

pub mod bigint;
mod decode;
mod encode;
mod numeric;
pub(crate) mod pystr;
mod validate;

pub use decode::{decode, reencode, Decoder, Token, Value};
pub use encode::Encoder;
pub use numeric::{Numeric, MAX_SAFE_INTEGER};
pub use validate::validate;

/// First byte of a string value.
pub const TAG_STRING: u8 = 0x01;
/// First byte of a binary value.
pub const TAG_BINARY: u8 = 0x02;
/// First byte of a structured value.
pub const TAG_STRUCTURED: u8 = 0x03;
/// First byte of a string whose bytes are all ASCII: a reader may decode it as Latin-1
/// without scanning it first.
pub const TAG_ASCII: u8 = 0x04;

const T_UNDEFINED: u8 = 0x10;
const T_NULL: u8 = 0x11;
const T_FALSE: u8 = 0x12;
const T_TRUE: u8 = 0x13;
const T_NUMBER: u8 = 0x14;
const T_BIGINT: u8 = 0x15;
const T_STRING: u8 = 0x16;
const T_DATE: u8 = 0x17;
const T_BINARY: u8 = 0x18;
const T_ARRAY: u8 = 0x19;
const T_OBJECT: u8 = 0x1a;
const T_MAP: u8 = 0x1b;
const T_SET: u8 = 0x1c;
const T_HOLE: u8 = 0x1d;

/// Which JS binary type a byte payload came from, so `get` returns the same type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum BinaryKind {
    Uint8Array = 0,
    ArrayBuffer = 1,
    Int8Array = 2,
    Uint8ClampedArray = 3,
    Int16Array = 4,
    Uint16Array = 5,
    Int32Array = 6,
    Uint32Array = 7,
    Float32Array = 8,
    Float64Array = 9,
    BigInt64Array = 10,
    BigUint64Array = 11,
    DataView = 12,
}

impl BinaryKind {
    /// Every kind, in code order.
    pub const ALL: [BinaryKind; 13] = [
        BinaryKind::Uint8Array,
        BinaryKind::ArrayBuffer,
        BinaryKind::Int8Array,
        BinaryKind::Uint8ClampedArray,
        BinaryKind::Int16Array,
        BinaryKind::Uint16Array,
        BinaryKind::Int32Array,
        BinaryKind::Uint32Array,
        BinaryKind::Float32Array,
        BinaryKind::Float64Array,
        BinaryKind::BigInt64Array,
        BinaryKind::BigUint64Array,
        BinaryKind::DataView,
    ];

    /// The JS constructor name (`Symbol.toStringTag` of typed arrays).
    pub fn name(self) -> &'static str {
        match self {
            BinaryKind::Uint8Array => "Uint8Array",
            BinaryKind::ArrayBuffer => "ArrayBuffer",
            BinaryKind::Int8Array => "Int8Array",
            BinaryKind::Uint8ClampedArray => "Uint8ClampedArray",
            BinaryKind::Int16Array => "Int16Array",
            BinaryKind::Uint16Array => "Uint16Array",
            BinaryKind::Int32Array => "Int32Array",
            BinaryKind::Uint32Array => "Uint32Array",
            BinaryKind::Float32Array => "Float32Array",
            BinaryKind::Float64Array => "Float64Array",
            BinaryKind::BigInt64Array => "BigInt64Array",
            BinaryKind::BigUint64Array => "BigUint64Array",
            BinaryKind::DataView => "DataView",
        }
    }

    /// The kind for a code byte.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(code as usize).copied()
    }

    /// Bytes per element: a payload must be a whole number of elements.
    pub fn element_size(self) -> usize {
        match self {
            BinaryKind::Int16Array | BinaryKind::Uint16Array => 2,
            BinaryKind::Int32Array | BinaryKind::Uint32Array | BinaryKind::Float32Array => 4,
            BinaryKind::Float64Array | BinaryKind::BigInt64Array | BinaryKind::BigUint64Array => 8,
            _ => 1,
        }
    }
}

/// Encodes a string value (the fast path).
///
/// ```
/// use edgecache::codec::{encode_string, decode, Value};
/// let bytes = encode_string("héllo");
/// assert_eq!(decode(&bytes).unwrap(), Value::String("héllo"));
/// ```
pub fn encode_string(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 1);
    out.push(TAG_STRING);
    out.extend_from_slice(s.as_bytes());
    out
}

/// Encodes a binary value (the fast path).
pub fn encode_binary(kind: BinaryKind, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(TAG_BINARY);
    out.push(kind as u8);
    out.extend_from_slice(bytes);
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_keep_their_bits() {
        for x in [-0.0f64, f64::NAN, f64::INFINITY, 1e-300] {
            let bytes = Numeric::Float(x).to_value();
            let Some(Numeric::Float(y)) = Numeric::from_value(&bytes) else {
                panic!()
            };
            assert_eq!(x.to_bits(), y.to_bits());
        }
    }

    #[test]
    fn ascii_strings_decode_and_reject_other_bytes() {
        assert_eq!(decode(b"\x04abc").ok(), Some(Value::String("abc")));
        assert_eq!(decode(b"\x04").ok(), Some(Value::String("")));
        assert!(decode("\u{4}é".as_bytes()).is_err());
        assert!(decode(&[TAG_ASCII, b'a', 0x80]).is_err());
    }

    #[test]
    fn binary_lengths_must_fit_the_element_size() {
        assert!(decode(&encode_binary(BinaryKind::Float64Array, &[0; 16])).is_ok());
        assert!(decode(&[TAG_BINARY, BinaryKind::Float64Array as u8, 0, 0, 0]).is_err());
        assert!(decode(&[TAG_BINARY, 99]).is_err());
    }

    #[test]
    fn nested_values_validate() {
        let mut e = Encoder::new();
        e.array(3);
        e.map(1);
        e.string("k");
        e.set(3);
        e.null();
        e.undefined();
        e.hole();
        e.bigint(&crate::codec::bigint::from_i64(-7));
        e.date(0.0);
        let bytes = e.finish();
        assert!(validate(&bytes).is_ok());
        for cut in 1..bytes.len() {
            assert!(validate(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn incr_rules() {
        let one = Numeric::Float(1.0);
        let big = Numeric::Big(crate::codec::bigint::from_i64(10));
        assert_eq!(
            one.checked_add(&Numeric::Float(0.5)),
            Some(Numeric::Float(1.5))
        );
        assert_eq!(
            big.checked_add(&one),
            Some(Numeric::Big(crate::codec::bigint::from_i64(11)))
        );
        assert_eq!(big.checked_add(&Numeric::Float(0.5)), None);
        assert_eq!(one.checked_add(&big), None);
    }

    proptest! {
        // Untrusted bytes (a later KV store) must never panic the decoder.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = validate(&bytes);
            let _ = Numeric::from_value(&bytes);
        }

        #[test]
        fn strings_round_trip(s in ".*") {
            let bytes = encode_string(&s);
            prop_assert_eq!(decode(&bytes).unwrap(), Value::String(&s));
        }
    }
}
