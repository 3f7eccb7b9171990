//! The writer of structured values: one token at a time, in the format of [`super`].

use super::*;

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
    /// Tokens without the structured tag: a part that [`Encoder::raw`] splices into another
    /// encoder (for a container whose length is known only after its items).
    pub fn bare() -> Self {
        Encoder { out: Vec::new() }
    }
    /// Appends the tokens a [`Encoder::bare`] encoder wrote.
    pub fn raw(&mut self, tokens: &[u8]) {
        self.out.extend_from_slice(tokens);
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
