//! JSON as django-redis's `JSONSerializer` writes it (`json.dumps` with Django's encoder) and
//! reads it (`json.loads`), to and from the codec's value bytes. Floats are printed and parsed
//! by the caller's [`Floats`] (the wasm build uses JS's own, so Rust's float formatting and
//! parsing are not linked).

use super::django::py_int;
use super::pickle_globals::civil_from_days;
use crate::codec::{self, Decoder, Encoder, Token, Value};
use crate::error::{Error, Result};

/// How floats become text and back: Python's `repr()` of a float, and its parse.
#[derive(Clone, Copy)]
pub struct Floats {
    /// The shortest text that reads back as `x` (finite, not a whole number within 2^53).
    pub text: fn(f64) -> String,
    /// The float a JSON number's text denotes.
    pub parse: fn(&str) -> Option<f64>,
}

impl Floats {
    /// Rust's own formatting and parsing (native use and tests).
    pub const RUST: Floats = Floats {
        text: crate::codec::pystr::py_float_repr,
        parse: |s| s.parse().ok(),
    };
}

fn refused(what: &str) -> Error {
    Error::invalid(
        "UNSERIALIZABLE_VALUE",
        format!("cannot be written as JSON: {what}"),
    )
}

fn bad(what: &str) -> Error {
    Error::Corrupt(format!("JSON: {what}"))
}

fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                // ensure_ascii, as json.dumps: every other character as \\u escapes.
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// DjangoJSONEncoder's text of a datetime in UTC: ISO 8601 to milliseconds, "Z" for UTC.
fn iso(ms: f64) -> Result<String> {
    if !ms.is_finite() {
        return Err(refused("an invalid Date"));
    }
    let ms = ms as i64;
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    if !(1..=9999).contains(&y) {
        return Err(refused("a Date outside years 1 to 9999"));
    }
    let (h, min, s, milli) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000,
    );
    Ok(format!(
        "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z"
    ))
}

fn write(d: &mut Decoder<'_>, out: &mut String, floats: Floats, depth: usize) -> Result<()> {
    if depth > 500 {
        return Err(refused("nested too deep"));
    }
    match d.next_token()? {
        Token::Undefined | Token::Hole | Token::Null => out.push_str("null"),
        Token::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Token::Number(x) if x.is_nan() => out.push_str("NaN"),
        Token::Number(x) if x.is_infinite() => {
            out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" })
        }
        Token::Number(x) if super::python_int(x).is_some() => out.push_str(&(x as i64).to_string()),
        Token::Number(x) => out.push_str(&(floats.text)(x)),
        Token::BigInt(twos) => out.push_str(&super::django::decimal(twos)),
        Token::String(s) => quote(out, s),
        Token::Date(ms) => quote(out, &iso(ms)?),
        Token::Binary(..) => return Err(refused("bytes")),
        Token::Set(_) => return Err(refused("a Set")),
        Token::Array(n) => {
            out.push('[');
            for i in 0..n {
                if i > 0 {
                    out.push_str(", ");
                }
                write(d, out, floats, depth + 1)?;
            }
            out.push(']');
        }
        Token::Object(n) | Token::Map(n) => {
            out.push('{');
            for i in 0..n {
                if i > 0 {
                    out.push_str(", ");
                }
                match d.next_token()? {
                    Token::String(k) => quote(out, k),
                    _ => return Err(refused("a Map key that is not a string")),
                }
                out.push_str(": ");
                write(d, out, floats, depth + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// The JSON text of a value (the codec's bytes), as `json.dumps` writes it: a Date as its ISO
/// text, no bytes or Sets (refused).
///
/// ```
/// use edgecache::interop::json::{value_to_json, Floats};
/// let mut e = edgecache::codec::Encoder::new();
/// e.object(1);
/// e.string("é");
/// e.number(0.5);
/// assert_eq!(value_to_json(&e.finish(), Floats::RUST).unwrap(), br#"{"\u00e9": 0.5}"#);
/// ```
pub fn value_to_json(value: &[u8], floats: Floats) -> Result<Vec<u8>> {
    let mut out = String::new();
    match codec::decode(value)? {
        Value::String(s) => quote(&mut out, s),
        Value::Binary(..) => return Err(refused("bytes")),
        Value::Structured(mut d) => write(&mut d, &mut out, floats, 0)?,
    }
    Ok(out.into_bytes())
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    floats: Floats,
}

impl Parser<'_> {
    fn space(&mut self) {
        while self.at < self.text.len()
            && matches!(self.text[self.at], b' ' | b'\t' | b'\n' | b'\r')
        {
            self.at += 1;
        }
    }
    fn eat(&mut self, word: &[u8]) -> bool {
        let found = self.text[self.at..].starts_with(word);
        if found {
            self.at += word.len();
        }
        found
    }
    fn value(&mut self, out: &mut Encoder, depth: usize) -> Result<()> {
        if depth > 500 {
            return Err(bad("nested too deep"));
        }
        self.space();
        let Some(&c) = self.text.get(self.at) else {
            return Err(bad("truncated"));
        };
        match c {
            b'n' if self.eat(b"null") => out.null(),
            b't' if self.eat(b"true") => out.bool(true),
            b'f' if self.eat(b"false") => out.bool(false),
            b'N' if self.eat(b"NaN") => out.number(f64::NAN),
            b'I' if self.eat(b"Infinity") => out.number(f64::INFINITY),
            b'-' if self.eat(b"-Infinity") => out.number(f64::NEG_INFINITY),
            b'"' => {
                let s = self.string()?;
                out.string(&s);
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.list(b']', |p| {
                    let mut item = Encoder::bare();
                    p.value(&mut item, depth + 1)?;
                    items.push(item.finish());
                    Ok(())
                })?;
                out.array(items.len());
                items.iter().for_each(|i| out.raw(i));
            }
            b'{' => {
                self.at += 1;
                let mut pairs = Vec::new();
                self.list(b'}', |p| {
                    p.space();
                    if p.text.get(p.at) != Some(&b'"') {
                        return Err(bad("an object key that is not a string"));
                    }
                    let key = p.string()?;
                    p.space();
                    if !p.eat(b":") {
                        return Err(bad("a missing colon"));
                    }
                    let mut item = Encoder::bare();
                    p.value(&mut item, depth + 1)?;
                    pairs.push((key, item.finish()));
                    Ok(())
                })?;
                out.object(pairs.len());
                for (k, v) in &pairs {
                    out.string(k);
                    out.raw(v);
                }
            }
            b'-' | b'0'..=b'9' => self.number(out)?,
            _ => return Err(bad("an unexpected character")),
        }
        Ok(())
    }
    fn list(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.space();
        if self.eat(&[close]) {
            return Ok(());
        }
        loop {
            item(self)?;
            self.space();
            if self.eat(&[close]) {
                return Ok(());
            }
            if !self.eat(b",") {
                return Err(bad("a missing comma"));
            }
        }
    }
    fn number(&mut self, out: &mut Encoder) -> Result<()> {
        let start = self.at;
        self.eat(b"-");
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.text.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at - from
        };
        if digits(self) == 0 {
            return Err(bad("a number without digits"));
        }
        let mut float = false;
        if self.eat(b".") {
            float = true;
            if digits(self) == 0 {
                return Err(bad("a fraction without digits"));
            }
        }
        if matches!(self.text.get(self.at), Some(b'e' | b'E')) {
            float = true;
            self.at += 1;
            if !self.eat(b"+") {
                self.eat(b"-");
            }
            if digits(self) == 0 {
                return Err(bad("an exponent without digits"));
            }
        }
        let text = std::str::from_utf8(&self.text[start..self.at]).map_err(|_| bad("a number"))?;
        if float {
            out.number((self.floats.parse)(text).ok_or_else(|| bad("a number"))?);
        } else {
            let twos = py_int(text.as_bytes()).ok_or_else(|| bad("a number"))?;
            super::write_int(out, &twos);
        }
        Ok(())
    }
    fn string(&mut self) -> Result<String> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        let mut units: Vec<u16> = Vec::new();
        loop {
            let rest = &self.text[self.at..];
            let end = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .ok_or_else(|| bad("an unterminated string"))?;
            if end > 0 {
                flush(&mut out, &mut units)?;
                out.push_str(
                    std::str::from_utf8(&rest[..end])
                        .map_err(|_| bad("a string that is not UTF-8"))?,
                );
            }
            self.at += end;
            match self.text[self.at] {
                b'"' => {
                    self.at += 1;
                    flush(&mut out, &mut units)?;
                    return Ok(out);
                }
                b'\\' => {
                    let esc = *self.text.get(self.at + 1).ok_or_else(|| bad("truncated"))?;
                    self.at += 2;
                    let plain = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self
                                .text
                                .get(self.at..self.at + 4)
                                .ok_or_else(|| bad("truncated"))?;
                            let hex = std::str::from_utf8(hex).map_err(|_| bad("a bad escape"))?;
                            units.push(
                                u16::from_str_radix(hex, 16).map_err(|_| bad("a bad escape"))?,
                            );
                            self.at += 4;
                            continue;
                        }
                        _ => return Err(bad("a bad escape")),
                    };
                    flush(&mut out, &mut units)?;
                    out.push(plain);
                }
                _ => return Err(bad("a control character in a string")),
            }
        }
    }
}

/// Appends pending UTF-16 escapes; a lone surrogate (which a JS string could hold but UTF-8
/// cannot) is refused rather than changed.
fn flush(out: &mut String, units: &mut Vec<u16>) -> Result<()> {
    if !units.is_empty() {
        out.push_str(&String::from_utf16(units).map_err(|_| bad("a lone surrogate"))?);
        units.clear();
    }
    Ok(())
}

/// The codec's bytes of JSON text, as `json.loads` reads it (`NaN` and `Infinity` too).
///
/// ```
/// use edgecache::interop::json::{json_to_value, value_to_json, Floats};
/// let bytes = json_to_value(br#" {"a": [1, 2.5, "\u00e9", null, 123456789012345678901]} "#, Floats::RUST).unwrap();
/// assert_eq!(value_to_json(&bytes, Floats::RUST).unwrap(), br#"{"a": [1, 2.5, "\u00e9", null, 123456789012345678901]}"#);
/// ```
pub fn json_to_value(text: &[u8], floats: Floats) -> Result<Vec<u8>> {
    let mut p = Parser {
        text,
        at: 0,
        floats,
    };
    let mut out = Encoder::new();
    p.value(&mut out, 0)?;
    p.space();
    if p.at != text.len() {
        return Err(bad("data after the value"));
    }
    Ok(out.finish())
}
