//! Writing the codec's value bytes as a pickle (protocol 4) that Python's `pickle.loads`
//! reads back to equal values: null as None, numbers that are safe integers as int (others as
//! float), bigint as int, strings as str, binary as bytes, arrays as lists, objects and Maps as
//! dicts, Sets as sets, Dates as aware UTC datetimes. A Map key or Set item that Python cannot
//! hash (an array, object, Map or Set) is an error.

use super::pickle_globals::civil_from_days;
use crate::codec::{self, bigint, Decoder, Token, Value};
use crate::error::{Error, Result};

fn refused(what: &str) -> Error {
    Error::invalid(
        "UNSERIALIZABLE_VALUE",
        format!("cannot be written for Django: {what}"),
    )
}

struct Pickler {
    out: Vec<u8>,
}

impl Pickler {
    fn text(&mut self, s: &str) {
        if s.len() < 256 {
            self.out.push(0x8c);
            self.out.push(s.len() as u8);
        } else {
            self.out.push(b'X');
            self.out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        }
        self.out.extend_from_slice(s.as_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        if b.len() < 256 {
            self.out.push(b'C');
            self.out.push(b.len() as u8);
        } else if b.len() <= u32::MAX as usize {
            self.out.push(b'B');
            self.out.extend_from_slice(&(b.len() as u32).to_le_bytes());
        } else {
            self.out.push(0x8e);
            self.out.extend_from_slice(&(b.len() as u64).to_le_bytes());
        }
        self.out.extend_from_slice(b);
    }

    fn int(&mut self, twos: &[u8]) {
        match bigint::to_i128(twos) {
            Some(v @ 0..=255) => self.out.extend_from_slice(&[b'K', v as u8]),
            Some(v @ 256..=65_535) => {
                self.out.push(b'M');
                self.out.extend_from_slice(&(v as u16).to_le_bytes());
            }
            Some(v) if i32::try_from(v).is_ok() => {
                self.out.push(b'J');
                self.out.extend_from_slice(&(v as i32).to_le_bytes());
            }
            _ if twos.len() < 256 => {
                self.out.extend_from_slice(&[0x8a, twos.len() as u8]);
                self.out.extend_from_slice(twos);
            }
            _ => {
                self.out.push(0x8b);
                self.out
                    .extend_from_slice(&(twos.len() as u32).to_le_bytes());
                self.out.extend_from_slice(twos);
            }
        }
    }

    fn number(&mut self, x: f64) {
        if let Some(n) = super::python_int(x) {
            self.int(&bigint::from_i64(n));
        } else {
            self.out.push(b'G');
            self.out.extend_from_slice(&x.to_be_bytes());
        }
    }

    fn global(&mut self, module: &str, name: &str) {
        self.text(module);
        self.text(name);
        self.out.push(0x93);
    }

    /// An aware UTC `datetime.datetime` (Django's USE_TZ=True form) of `ms` since the epoch.
    fn date(&mut self, ms: f64) -> Result<()> {
        if !ms.is_finite() {
            return Err(refused("an invalid Date"));
        }
        let micros_total = (ms * 1000.0).round() as i64;
        let seconds = micros_total.div_euclid(1_000_000);
        let micros = micros_total.rem_euclid(1_000_000) as u32;
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if !(1..=9999).contains(&year) {
            return Err(refused("a Date outside years 1 to 9999"));
        }
        let mut state = Vec::with_capacity(10);
        state.extend_from_slice(&(year as u16).to_be_bytes());
        state.extend_from_slice(&[
            month as u8,
            day as u8,
            (secs / 3600) as u8,
            (secs / 60 % 60) as u8,
            (secs % 60) as u8,
        ]);
        state.extend_from_slice(&micros.to_be_bytes()[1..]);
        self.global("datetime", "datetime");
        self.bytes(&state);
        // datetime.timezone(datetime.timedelta(0, 0, 0)): timezone.utc.
        self.global("datetime", "timezone");
        self.global("datetime", "timedelta");
        self.out.extend_from_slice(b"K\x00K\x00K\x00\x87R\x85R");
        self.out.extend_from_slice(b"\x86R");
        Ok(())
    }

    fn value(&mut self, d: &mut Decoder<'_>, depth: usize, hashable: bool) -> Result<()> {
        if depth > 1000 {
            return Err(refused("nested too deep"));
        }
        let token = d.next_token()?;
        if hashable
            && matches!(
                token,
                Token::Array(_) | Token::Object(_) | Token::Map(_) | Token::Set(_)
            )
        {
            return Err(refused("a Map key or Set item that Python cannot hash"));
        }
        match token {
            Token::Undefined | Token::Hole | Token::Null => self.out.push(b'N'),
            Token::Bool(b) => self.out.push(if b { 0x88 } else { 0x89 }),
            Token::Number(x) => self.number(x),
            Token::BigInt(twos) => self.int(twos),
            Token::String(s) => self.text(s),
            Token::Date(ms) => self.date(ms)?,
            Token::Binary(_, b) => self.bytes(b),
            Token::Array(n) => {
                self.out.push(b']');
                self.items(d, n, depth, b'e', false)?;
            }
            Token::Set(n) => {
                self.out.push(0x8f);
                self.items(d, n, depth, 0x90, true)?;
            }
            Token::Object(n) | Token::Map(n) => {
                self.out.push(b'}');
                if n > 0 {
                    self.out.push(b'(');
                    for _ in 0..n {
                        self.value(d, depth + 1, true)?;
                        self.value(d, depth + 1, false)?;
                    }
                    self.out.push(b'u');
                }
            }
        }
        Ok(())
    }

    fn items(
        &mut self,
        d: &mut Decoder<'_>,
        n: usize,
        depth: usize,
        op: u8,
        hashable: bool,
    ) -> Result<()> {
        if n > 0 {
            self.out.push(b'(');
            for _ in 0..n {
                self.value(d, depth + 1, hashable)?;
            }
            self.out.push(op);
        }
        Ok(())
    }
}

/// A pickle (protocol 4) of the value whose codec bytes are `value`.
///
/// ```
/// use edgecache::interop::{pickle_to_value, value_to_pickle};
/// let value = edgecache::codec::Encoder::new();
/// let mut e = value;
/// e.array(2);
/// e.number(1.5);
/// e.string("a");
/// let bytes = e.finish();
/// let pickled = value_to_pickle(&bytes).unwrap();
/// assert_eq!(pickle_to_value(&pickled).unwrap(), bytes);
/// ```
pub fn value_to_pickle(value: &[u8]) -> Result<Vec<u8>> {
    let mut p = Pickler { out: vec![0x80, 4] };
    match codec::decode(value)? {
        Value::String(s) => p.text(s),
        Value::Binary(_, b) => p.bytes(b),
        Value::Structured(mut d) => {
            p.value(&mut d, 0, false)?;
            if !d.is_done() {
                return Err(Error::Corrupt("value bytes after the value".into()));
            }
        }
    }
    p.out.push(b'.');
    Ok(p.out)
}

#[cfg(test)]
mod tests {
    use super::super::pickle_globals::days_from_civil;
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-719_162, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_849), (2024, 5, 6));
    }
}
