//! Arbitrary-size integers as minimal two's-complement little-endian bytes (JS `bigint`).

/// `a + b` for two's-complement little-endian integers.
///
/// ```
/// use edgecache::bigint::{add, from_i64, to_i128};
/// assert_eq!(to_i128(&add(&from_i64(i64::MAX), &from_i64(1))), Some(i64::MAX as i128 + 1));
/// assert_eq!(to_i128(&add(&from_i64(-5), &from_i64(3))), Some(-2));
/// ```
pub fn add(a: &[u8], b: &[u8]) -> Vec<u8> {
    let len = a.len().max(b.len()) + 1;
    let mut out = Vec::with_capacity(len);
    let mut carry = 0u16;
    for i in 0..len {
        let sum = byte_at(a, i) as u16 + byte_at(b, i) as u16 + carry;
        out.push(sum as u8);
        carry = sum >> 8;
    }
    normalize(out)
}

/// Two's-complement negation.
pub fn negate(a: &[u8]) -> Vec<u8> {
    let inverted: Vec<u8> = (0..a.len() + 1).map(|i| !byte_at(a, i)).collect();
    add(&inverted, &[1])
}

/// The byte at `i`, sign-extended past the end.
fn byte_at(a: &[u8], i: usize) -> u8 {
    match a.get(i) {
        Some(&b) => b,
        None if is_negative(a) => 0xff,
        None => 0,
    }
}

/// True when the sign bit is set.
pub fn is_negative(a: &[u8]) -> bool {
    a.last().is_some_and(|&b| b & 0x80 != 0)
}

/// Drops redundant sign-extension bytes (zero is the empty vector).
fn normalize(mut a: Vec<u8>) -> Vec<u8> {
    while let Some(&last) = a.last() {
        let below = a.len().checked_sub(2).map(|i| a[i]);
        let redundant = match (last, below) {
            (0, None) => true,
            (0, Some(b)) => b & 0x80 == 0,
            (0xff, Some(b)) => b & 0x80 != 0,
            _ => false,
        };
        if !redundant {
            break;
        }
        a.pop();
    }
    a
}

/// An `i64` as bytes.
pub fn from_i64(x: i64) -> Vec<u8> {
    normalize(x.to_le_bytes().to_vec())
}

/// An `i128` as bytes.
pub fn from_i128(x: i128) -> Vec<u8> {
    normalize(x.to_le_bytes().to_vec())
}

/// The value as an `i128` when it fits.
pub fn to_i128(a: &[u8]) -> Option<i128> {
    if a.len() > 16 {
        return None;
    }
    let fill = if is_negative(a) { 0xff } else { 0 };
    let mut buf = [fill; 16];
    buf[..a.len()].copy_from_slice(a);
    Some(i128::from_le_bytes(buf))
}

/// Parses a JS `bigint.toString(16)` form (`"-ff"`, `"1a"`); `None` for anything else.
///
/// ```
/// use edgecache::bigint::{from_hex, to_hex};
/// let n = from_hex("-1ff").unwrap();
/// assert_eq!(to_hex(&n), (true, "1ff".to_string()));
/// ```
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut magnitude = Vec::with_capacity(digits.len() / 2 + 2);
    for pair in digits.as_bytes().rchunks(2) {
        let s = std::str::from_utf8(pair).ok()?;
        magnitude.push(u8::from_str_radix(s, 16).ok()?);
    }
    magnitude.push(0); // positive sign byte
    let magnitude = normalize(magnitude);
    Some(if negative {
        negate(&magnitude)
    } else {
        magnitude
    })
}

/// The sign and lowercase hex magnitude, for `BigInt("0x" + hex)` on the JS side.
pub fn to_hex(a: &[u8]) -> (bool, String) {
    let negative = is_negative(a);
    let magnitude = if negative { negate(a) } else { a.to_vec() };
    let mut hex: String = magnitude.iter().rev().map(|b| format!("{b:02x}")).collect();
    let trimmed = hex.trim_start_matches('0').len();
    hex.drain(..hex.len() - trimmed);
    if hex.is_empty() {
        hex.push('0');
    }
    (negative, hex)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn add_matches_i128(a in any::<i64>(), b in any::<i64>()) {
            let sum = add(&from_i64(a), &from_i64(b));
            prop_assert_eq!(to_i128(&sum), Some(a as i128 + b as i128));
        }

        #[test]
        fn hex_round_trips(a in any::<i64>()) {
            let (neg, hex) = to_hex(&from_i64(a));
            let text = if neg { format!("-{hex}") } else { hex };
            prop_assert_eq!(from_hex(&text), Some(from_i64(a)));
            prop_assert_eq!(i128::from_str_radix(&text, 16).ok(), Some(a as i128));
        }
    }

    #[test]
    fn zero_is_empty_and_large_values_grow() {
        assert!(from_i64(0).is_empty());
        assert_eq!(to_hex(&[]), (false, "0".into()));
        let big = from_hex("ffffffffffffffffffffffffffffffff").unwrap();
        let bigger = add(&big, &from_i64(1));
        assert_eq!(
            to_hex(&bigger),
            (false, "100000000000000000000000000000000".into())
        );
        assert_eq!(from_hex("xyz"), None);
        assert_eq!(from_hex(""), None);
    }
}
