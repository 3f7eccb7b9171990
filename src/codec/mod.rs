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
//! Decoding never panics: any byte string either decodes or yields [`Error::Corrupt`].

pub mod bigint;
pub(crate) mod pystr;

use crate::error::{Error, Result};

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

/// Builds a structured value token by token (depth-first, containers announce their length).
///
/// ```
/// use edgecache::codec::{decode, Encoder, Token, Value};
/// let mut e = Encoder::new();
/// e.object(1);
/// e.string("n");
/// e.number(1.5);
/// let bytes = e.finish();
/// let Value::Structured(mut d) = decode(&bytes).unwrap() else { panic!() };
/// assert_eq!(d.next_token().unwrap(), Token::Object(1));
/// assert_eq!(d.next_token().unwrap(), Token::String("n"));
/// assert_eq!(d.next_token().unwrap(), Token::Number(1.5));
/// ```
#[derive(Debug)]
pub struct Encoder {
    out: Vec<u8>,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

#[allow(missing_docs)]
impl Encoder {
    /// A structured value under construction.
    pub fn new() -> Self {
        Encoder {
            out: vec![TAG_STRUCTURED],
        }
    }
    pub fn undefined(&mut self) {
        self.out.push(T_UNDEFINED);
    }
    /// A missing element of a sparse array.
    pub fn hole(&mut self) {
        self.out.push(T_HOLE);
    }
    pub fn null(&mut self) {
        self.out.push(T_NULL);
    }
    pub fn bool(&mut self, b: bool) {
        self.out.push(if b { T_TRUE } else { T_FALSE });
    }
    pub fn number(&mut self, x: f64) {
        self.out.push(T_NUMBER);
        self.out.extend_from_slice(&x.to_le_bytes());
    }
    /// A bigint as two's-complement little-endian bytes (see [`crate::codec::bigint`]).
    pub fn bigint(&mut self, twos: &[u8]) {
        self.out.push(T_BIGINT);
        self.varint(twos.len());
        self.out.extend_from_slice(twos);
    }
    pub fn string(&mut self, s: &str) {
        self.out.push(T_STRING);
        self.varint(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }
    /// A Date as milliseconds since the epoch (NaN for an invalid date).
    pub fn date(&mut self, ms: f64) {
        self.out.push(T_DATE);
        self.out.extend_from_slice(&ms.to_le_bytes());
    }
    pub fn binary(&mut self, kind: BinaryKind, bytes: &[u8]) {
        self.out.push(T_BINARY);
        self.out.push(kind as u8);
        self.varint(bytes.len());
        self.out.extend_from_slice(bytes);
    }
    pub fn array(&mut self, len: usize) {
        self.out.push(T_ARRAY);
        self.varint(len);
    }
    /// A plain object of `len` entries: follow with `len` pairs of [`Encoder::string`] and a value.
    pub fn object(&mut self, len: usize) {
        self.out.push(T_OBJECT);
        self.varint(len);
    }
    pub fn map(&mut self, len: usize) {
        self.out.push(T_MAP);
        self.varint(len);
    }
    pub fn set(&mut self, len: usize) {
        self.out.push(T_SET);
        self.varint(len);
    }
    /// Writes one token (a container's children follow as further tokens).
    pub fn token(&mut self, t: Token<'_>) {
        match t {
            Token::Undefined => self.undefined(),
            Token::Hole => self.hole(),
            Token::Null => self.null(),
            Token::Bool(b) => self.bool(b),
            Token::Number(x) => self.number(x),
            Token::BigInt(b) => self.bigint(b),
            Token::String(s) => self.string(s),
            Token::Date(ms) => self.date(ms),
            Token::Binary(kind, b) => self.binary(kind, b),
            Token::Array(n) => self.array(n),
            Token::Object(n) => self.object(n),
            Token::Map(n) => self.map(n),
            Token::Set(n) => self.set(n),
        }
    }
    /// The encoded value.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }

    fn varint(&mut self, mut n: usize) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.out.push(byte);
                return;
            }
            self.out.push(byte | 0x80);
        }
    }
}

/// A decoded value's top-level form.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A string.
    String(&'a str),
    /// A binary value and its JS type.
    Binary(BinaryKind, &'a [u8]),
    /// A structured value: read its tokens from the decoder.
    Structured(Decoder<'a>),
}

/// One token of a structured value.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Token<'a> {
    Undefined,
    Hole,
    Null,
    Bool(bool),
    Number(f64),
    BigInt(&'a [u8]),
    String(&'a str),
    Date(f64),
    Binary(BinaryKind, &'a [u8]),
    Array(usize),
    Object(usize),
    Map(usize),
    Set(usize),
}

impl Token<'_> {
    /// How many tokens follow as this one's children (an object's keys count).
    pub fn children(&self) -> usize {
        match self {
            Token::Array(n) | Token::Set(n) => *n,
            Token::Object(n) | Token::Map(n) => n * 2,
            _ => 0,
        }
    }
}

/// Reads tokens of a structured value; every read is bounds-checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoder<'a> {
    rest: &'a [u8],
}

/// Reads the top-level form of an encoded value.
pub fn decode(bytes: &[u8]) -> Result<Value<'_>> {
    match bytes.split_first() {
        Some((&TAG_ASCII, rest)) if !rest.is_ascii() => {
            Err(corrupt("ASCII string has a non-ASCII byte"))
        }
        Some((&(TAG_STRING | TAG_ASCII), rest)) => std::str::from_utf8(rest)
            .map(Value::String)
            .map_err(|_| corrupt("string is not UTF-8")),
        Some((&TAG_BINARY, rest)) => {
            let (&code, payload) = rest.split_first().ok_or_else(|| corrupt("binary kind"))?;
            let kind = BinaryKind::from_code(code).ok_or_else(|| corrupt("binary kind"))?;
            check_elements(kind, payload)?;
            Ok(Value::Binary(kind, payload))
        }
        Some((&TAG_STRUCTURED, rest)) => Ok(Value::Structured(Decoder { rest })),
        _ => Err(corrupt("unknown value tag")),
    }
}

/// Checks that `bytes` is one complete, well-formed value (for untrusted input).
///
/// ```
/// use edgecache::codec::{encode_string, validate};
/// assert!(validate(&encode_string("ok")).is_ok());
/// assert!(validate(&[0x03, 0x19, 0x05]).is_err()); // an array of 5 with nothing in it
/// ```
pub fn validate(bytes: &[u8]) -> Result<()> {
    let Value::Structured(mut d) = decode(bytes)? else {
        return Ok(());
    };
    // Values still to read; iterative, so depth cannot overflow the stack.
    let mut pending: usize = 1;
    while pending > 0 {
        pending -= 1;
        let add = d.next_token()?.children();
        pending = pending
            .checked_add(add)
            .ok_or_else(|| corrupt("length overflow"))?;
    }
    if d.is_done() {
        Ok(())
    } else {
        Err(corrupt("trailing bytes"))
    }
}

/// Decodes `bytes` and encodes the value again with [`Encoder`]: the canonical bytes of the
/// value. Any other encoder (js/boundary.js) must produce exactly these; a test checks it.
///
/// ```
/// use edgecache::codec::{reencode, Encoder};
/// let mut e = Encoder::new();
/// e.array(2);
/// e.number(-0.0);
/// e.hole();
/// let bytes = e.finish();
/// assert_eq!(reencode(&bytes).unwrap(), bytes);
/// assert!(reencode(&[0x03, 0x19, 0x05]).is_err());
/// ```
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut d = match decode(bytes)? {
        Value::String(s) if bytes[0] == TAG_ASCII => {
            let mut out = vec![TAG_ASCII];
            out.extend_from_slice(s.as_bytes());
            return Ok(out);
        }
        Value::String(s) => return Ok(encode_string(s)),
        Value::Binary(kind, b) => return Ok(encode_binary(kind, b)),
        Value::Structured(d) => d,
    };
    let mut e = Encoder::new();
    let mut pending: usize = 1;
    while pending > 0 {
        pending -= 1;
        let t = d.next_token()?;
        let more = t.children();
        e.token(t);
        pending = pending
            .checked_add(more)
            .ok_or_else(|| corrupt("length overflow"))?;
    }
    if d.is_done() {
        Ok(e.finish())
    } else {
        Err(corrupt("trailing bytes"))
    }
}

impl<'a> Decoder<'a> {
    /// True when every byte has been read.
    pub fn is_done(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next token.
    pub fn next_token(&mut self) -> Result<Token<'a>> {
        let tag = self.byte()?;
        Ok(match tag {
            T_UNDEFINED => Token::Undefined,
            T_HOLE => Token::Hole,
            T_NULL => Token::Null,
            T_FALSE => Token::Bool(false),
            T_TRUE => Token::Bool(true),
            T_NUMBER => Token::Number(self.f64()?),
            T_BIGINT => {
                let n = self.varint()?;
                Token::BigInt(self.take(n)?)
            }
            T_STRING => Token::String(self.str()?),
            T_DATE => Token::Date(self.f64()?),
            T_BINARY => {
                let kind = BinaryKind::from_code(self.byte()?).ok_or_else(|| corrupt("kind"))?;
                let n = self.varint()?;
                let payload = self.take(n)?;
                check_elements(kind, payload)?;
                Token::Binary(kind, payload)
            }
            T_ARRAY => Token::Array(self.count(1)?),
            T_OBJECT => Token::Object(self.count(2)?),
            T_MAP => Token::Map(self.count(2)?),
            T_SET => Token::Set(self.count(1)?),
            _ => return Err(corrupt("unknown token")),
        })
    }

    /// Consumes a hole token if one is next (sparse arrays).
    pub fn peek_hole(&mut self) -> bool {
        match self.rest.split_first() {
            Some((&T_HOLE, rest)) => {
                self.rest = rest;
                true
            }
            _ => false,
        }
    }

    /// A string token (object keys).
    pub fn next_string(&mut self) -> Result<&'a str> {
        match self.next_token()? {
            Token::String(s) => Ok(s),
            _ => Err(corrupt("object key is not a string")),
        }
    }

    fn byte(&mut self) -> Result<u8> {
        let (&b, rest) = self
            .rest
            .split_first()
            .ok_or_else(|| corrupt("truncated"))?;
        self.rest = rest;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.rest.len() {
            return Err(corrupt("truncated"));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn f64(&mut self) -> Result<f64> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(f64::from_le_bytes(b))
    }

    fn str(&mut self) -> Result<&'a str> {
        let n = self.varint()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("string is not UTF-8"))
    }

    fn varint(&mut self) -> Result<usize> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(n).map_err(|_| corrupt("length"));
            }
        }
        Err(corrupt("varint too long"))
    }

    /// A container length; each element takes at least one byte, so a length larger than
    /// what is left is corrupt (this also bounds allocations made from it).
    fn count(&mut self, tokens_per_element: usize) -> Result<usize> {
        let n = self.varint()?;
        if n.saturating_mul(tokens_per_element) > self.rest.len() {
            return Err(corrupt("container longer than its bytes"));
        }
        Ok(n)
    }
}

fn check_elements(kind: BinaryKind, payload: &[u8]) -> Result<()> {
    if payload.len() % kind.element_size() == 0 {
        Ok(())
    } else {
        Err(corrupt("binary length is not a whole number of elements"))
    }
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt(what.to_string())
}

/// A number that `incr`/`decr` can add to.
#[derive(Debug, Clone, PartialEq)]
pub enum Numeric {
    /// A JS number.
    Float(f64),
    /// A JS bigint, two's-complement little-endian.
    Big(Vec<u8>),
}

impl Numeric {
    /// Reads a stored value as a number, if it is one.
    pub fn from_value(bytes: &[u8]) -> Option<Numeric> {
        let Ok(Value::Structured(mut d)) = decode(bytes) else {
            return None;
        };
        let n = match d.next_token().ok()? {
            Token::Number(x) => Numeric::Float(x),
            Token::BigInt(b) => Numeric::Big(b.to_vec()),
            _ => return None,
        };
        d.is_done().then_some(n)
    }

    /// Encodes the number as a stored value.
    pub fn to_value(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        match self {
            Numeric::Float(x) => e.number(*x),
            Numeric::Big(b) => e.bigint(b),
        }
        e.finish()
    }

    /// `self + delta` with JS's rules, except that an integral number delta may be added to a
    /// bigint (so `incr(key)` works on bigint counters). `None` when the types cannot mix.
    pub fn checked_add(&self, delta: &Numeric) -> Option<Numeric> {
        use crate::codec::bigint;
        match (self, delta) {
            (Numeric::Float(a), Numeric::Float(b)) => Some(Numeric::Float(a + b)),
            (Numeric::Big(a), Numeric::Big(b)) => Some(Numeric::Big(bigint::add(a, b))),
            (Numeric::Big(a), Numeric::Float(b))
                if b.fract() == 0.0 && b.abs() <= 9_007_199_254_740_991.0 =>
            {
                Some(Numeric::Big(bigint::add(a, &bigint::from_i64(*b as i64))))
            }
            _ => None,
        }
    }

    /// `-self`.
    pub fn negated(&self) -> Numeric {
        match self {
            // Python negates decr's integer delta: -0 is 0, so a stored -0 minus 0 is 0.
            Numeric::Float(x) if *x == 0.0 => Numeric::Float(0.0),
            Numeric::Float(x) => Numeric::Float(-x),
            Numeric::Big(b) => Numeric::Big(crate::codec::bigint::negate(b)),
        }
    }
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
