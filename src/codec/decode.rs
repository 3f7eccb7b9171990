//! Reading values back: the top-level form, the token reader, and the checks that make any
//! byte string either decode or yield [`Error::Corrupt`] (data from a store is untrusted).

use super::*;
use crate::error::{Error, Result};

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

    #[inline]
    pub(super) fn byte(&mut self) -> Result<u8> {
        let (&b, rest) = self
            .rest
            .split_first()
            .ok_or_else(|| corrupt("truncated"))?;
        self.rest = rest;
        Ok(b)
    }

    #[inline]
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
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

    #[inline]
    pub(super) fn varint(&mut self) -> Result<usize> {
        // Most lengths fit one byte: that case inline, the rest in a call.
        if let Some((&b, rest)) = self.rest.split_first() {
            if b < 0x80 {
                self.rest = rest;
                return Ok(usize::from(b));
            }
        }
        self.varint_long()
    }

    fn varint_long(&mut self) -> Result<usize> {
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
    #[inline]
    pub(super) fn count(&mut self, tokens_per_element: usize) -> Result<usize> {
        let n = self.varint()?;
        if n.saturating_mul(tokens_per_element) > self.rest.len() {
            return Err(corrupt("container longer than its bytes"));
        }
        Ok(n)
    }
}

pub(super) fn check_elements(kind: BinaryKind, payload: &[u8]) -> Result<()> {
    if payload.len() % kind.element_size() == 0 {
        Ok(())
    } else {
        Err(corrupt("binary length is not a whole number of elements"))
    }
}

pub(super) fn corrupt(what: &str) -> Error {
    Error::Corrupt(what.to_string())
}
