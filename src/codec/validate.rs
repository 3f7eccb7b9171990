//! The check of untrusted value bytes on the write path: the same bytes pass as with the token
//! reader ([`super::reencode`]), but no token is built. A set checks every value JS encoded,
//! and the token walk cost about as much as the rest of the set (bench/OBJECT-RESULTS.md).

use super::decode::{check_elements, corrupt};
use super::*;
use crate::error::Result;

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
    // Values still to read; iterative, so depth cannot overflow the stack. The decoder's cursor
    // reads lengths and skips payloads; no token is made.
    let mut pending: usize = 1;
    while pending > 0 {
        pending -= 1;
        let children = match d.byte()? {
            T_UNDEFINED | T_HOLE | T_NULL | T_FALSE | T_TRUE => 0,
            T_NUMBER | T_DATE => {
                d.take(8)?;
                0
            }
            T_BIGINT => {
                let n = d.varint()?;
                d.take(n)?;
                0
            }
            T_STRING => {
                let n = d.varint()?;
                let text = d.take(n)?;
                // Most strings are ASCII: a plain loop beats from_utf8's set-up on short ones.
                if !text.is_ascii() && std::str::from_utf8(text).is_err() {
                    return Err(corrupt("string is not UTF-8"));
                }
                0
            }
            T_BINARY => {
                let kind = BinaryKind::from_code(d.byte()?).ok_or_else(|| corrupt("kind"))?;
                let n = d.varint()?;
                check_elements(kind, d.take(n)?)?;
                0
            }
            T_ARRAY | T_SET => d.count(1)?,
            T_OBJECT | T_MAP => d.count(2)? * 2,
            _ => return Err(corrupt("unknown token")),
        };
        pending = pending
            .checked_add(children)
            .ok_or_else(|| corrupt("length overflow"))?;
    }
    if d.is_done() {
        Ok(())
    } else {
        Err(corrupt("trailing bytes"))
    }
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
