//! The check of untrusted value bytes on the write path: the same bytes pass as with the token
//! reader ([`super::reencode`]), but no token is built. A set checks every value JS encoded,
//! and the token walk cost about as much as the rest of the set (bench/OBJECT-RESULTS.md).

use super::*;
use crate::error::{Error, Result};

/// Checks that `bytes` is one complete, well-formed value (for untrusted input).
///
/// ```
/// use edgecache::codec::{encode_string, validate};
/// assert!(validate(&encode_string("ok")).is_ok());
/// assert!(validate(&[0x03, 0x19, 0x05]).is_err()); // an array of 5 with nothing in it
/// ```
pub fn validate(bytes: &[u8]) -> Result<()> {
    match bytes.split_first() {
        Some((&TAG_STRUCTURED, rest)) => structured(rest),
        _ => decode(bytes).map(|_| ()),
    }
}

/// One token tree filling `b` exactly; iterative, so depth cannot overflow the stack.
fn structured(b: &[u8]) -> Result<()> {
    let mut at = 0;
    // Values still to read.
    let mut pending: usize = 1;
    while pending > 0 {
        pending -= 1;
        let tag = *b.get(at).ok_or_else(truncated)?;
        at += 1;
        match tag {
            T_UNDEFINED | T_HOLE | T_NULL | T_FALSE | T_TRUE => {}
            T_NUMBER | T_DATE => at = skip(b, at, 8)?,
            T_BIGINT => {
                let (n, from) = varint(b, at)?;
                at = skip(b, from, n)?;
            }
            T_STRING => {
                let (n, from) = varint(b, at)?;
                at = skip(b, from, n)?;
                let text = &b[from..at];
                // Most strings are ASCII: a plain loop beats from_utf8's set-up on short ones.
                if !text.is_ascii() && std::str::from_utf8(text).is_err() {
                    return Err(corrupt("string is not UTF-8"));
                }
            }
            T_BINARY => {
                let code = *b.get(at).ok_or_else(truncated)?;
                let kind = BinaryKind::from_code(code).ok_or_else(|| corrupt("kind"))?;
                let (n, from) = varint(b, at + 1)?;
                at = skip(b, from, n)?;
                if n % kind.element_size() != 0 {
                    return Err(corrupt("binary length is not a whole number of elements"));
                }
            }
            T_ARRAY | T_SET | T_OBJECT | T_MAP => {
                let (n, from) = varint(b, at)?;
                at = from;
                let per = if matches!(tag, T_ARRAY | T_SET) { 1 } else { 2 };
                // Each element takes at least a byte: a longer count is corrupt, which also
                // keeps `pending` from overflowing.
                if n.saturating_mul(per) > b.len() - at {
                    return Err(corrupt("container longer than its bytes"));
                }
                pending = pending
                    .checked_add(n * per)
                    .ok_or_else(|| corrupt("length overflow"))?;
            }
            _ => return Err(corrupt("unknown token")),
        }
    }
    if at == b.len() {
        Ok(())
    } else {
        Err(corrupt("trailing bytes"))
    }
}

/// The index after `n` bytes from `at`, if `b` has them.
fn skip(b: &[u8], at: usize, n: usize) -> Result<usize> {
    match at.checked_add(n) {
        Some(end) if end <= b.len() => Ok(end),
        _ => Err(truncated()),
    }
}

/// An unsigned LEB128 at `at`: its value and the index after it.
fn varint(b: &[u8], mut at: usize) -> Result<(usize, usize)> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(at).ok_or_else(truncated)?;
        at += 1;
        n |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return usize::try_from(n)
                .map(|n| (n, at))
                .map_err(|_| corrupt("length"));
        }
    }
    Err(corrupt("varint too long"))
}

fn truncated() -> Error {
    corrupt("truncated")
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt(what.to_string())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Structured bytes of every token kind, to mutate.
    fn sample() -> Vec<u8> {
        let mut e = Encoder::new();
        e.object(3);
        e.string("name");
        e.string("Zoë");
        e.string("tags");
        e.array(3);
        e.number(-0.0);
        e.hole();
        e.set(2);
        e.bigint(&crate::codec::bigint::from_i64(-300));
        e.date(1.5);
        e.string("blob");
        e.map(1);
        e.binary(BinaryKind::Int16Array, &[1, 2, 3, 4]);
        e.null();
        e.finish()
    }

    proptest! {
        // The scanner accepts exactly what the token reader accepts.
        #[test]
        fn agrees_with_the_token_reader_on_any_bytes(
            tail in proptest::collection::vec(any::<u8>(), 0..48),
            tag in prop::sample::select(vec![TAG_STRUCTURED, TAG_STRING, TAG_BINARY, TAG_ASCII, 0]),
        ) {
            let mut bytes = vec![tag];
            bytes.extend(tail);
            prop_assert_eq!(validate(&bytes).is_ok(), reencode(&bytes).is_ok());
        }

        #[test]
        fn agrees_with_the_token_reader_on_near_valid_bytes(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = sample();
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            prop_assert_eq!(validate(&bytes).is_ok(), reencode(&bytes).is_ok());
            let short = &bytes[..cut.index(bytes.len())];
            prop_assert_eq!(validate(short).is_ok(), reencode(short).is_ok());
        }
    }

    #[test]
    fn the_sample_is_valid() {
        assert!(validate(&sample()).is_ok());
    }
}
