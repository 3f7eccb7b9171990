//! Python's `str()` and `repr()` for the values Django prints into keys and messages.

use std::fmt::Write;

/// Python's `repr()` of a string: single quotes unless the text has `'` and no `"`.
///
/// ```
/// use edgecache::py_repr;
/// assert_eq!(py_repr("a b"), "'a b'");
/// assert_eq!(py_repr("it's"), "\"it's\"");
/// assert_eq!(py_repr("t\tn\n\x00\x7f"), "'t\\tn\\n\\x00\\x7f'");
/// ```
pub fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let n = c as u32;
                // Infallible: writing to a String.
                let _ = match n {
                    0..=0xff => write!(out, "\\x{n:02x}"),
                    0x100..=0xffff => write!(out, "\\u{n:04x}"),
                    _ => write!(out, "\\U{n:08x}"),
                };
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character, for the ranges keys meet in practice:
/// controls, separators other than the space, format characters and private use are escaped.
fn is_printable(c: char) -> bool {
    !matches!(c as u32,
        0x00..=0x1f | 0x7f..=0xa0 | 0xad
        | 0x0600..=0x0605 | 0x061c | 0x06dd | 0x070f | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f
        | 0x3000 | 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb | 0xfffe | 0xffff
        | 0xe0001 | 0xe0020..=0xe007f | 0xf0000..=0x10ffff)
}

/// Python's `str()` of a JS number: integers without `.0` (JS cannot tell `1` from `1.0`),
/// other values as Python's shortest `repr` of a float (`1.5`, `1e-07`, `1e+16`, `nan`, `inf`).
///
/// ```
/// use edgecache::py_number_str;
/// assert_eq!(py_number_str(5.0), "5");
/// assert_eq!(py_number_str(-2.0), "-2");
/// assert_eq!(py_number_str(1.5), "1.5");
/// assert_eq!(py_number_str(1e-7), "1e-07");
/// assert_eq!(py_number_str(1e22), "1e+22");
/// assert_eq!(py_number_str(f64::NAN), "nan");
/// ```
pub fn py_number_str(x: f64) -> String {
    py_whole_number(x).unwrap_or_else(|| py_float_repr(x))
}

/// `str()` of a JS number that Python would hold as an int (whole, within 2^53), else `None`.
fn py_whole_number(x: f64) -> Option<String> {
    (x.fract() == 0.0 && x.abs() <= super::MAX_SAFE_INTEGER as f64).then(|| (x as i64).to_string())
}

/// Python's `repr()` of a float: shortest round-trip digits, scientific below 1e-4 and from 1e16.
pub fn py_float_repr(x: f64) -> String {
    float_repr_with(x, |x| {
        // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e-7".
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let digits = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
        (digits, exp.parse().unwrap_or(0))
    })
}

/// [`py_number_str`] given ECMAScript's `Number::toString` of `x` (`String(x)` in JS), which
/// holds the same shortest round-trip digits that Python's `repr()` prints. The wasm build uses
/// it so that Rust's float formatting (~20 KB of code) is not linked.
///
/// ```
/// use edgecache::{py_number_str, py_number_str_from_ecma};
/// for (x, js) in [(0.1, "0.1"), (1e-7, "1e-7"), (1.5e21, "1.5e+21"), (1.2345678901234568e20, "123456789012345680000")] {
///     assert_eq!(py_number_str_from_ecma(x, || js.to_string()), py_number_str(x));
/// }
/// assert_eq!(py_number_str_from_ecma(3.0, || unreachable!()), "3");
/// ```
pub fn py_number_str_from_ecma(x: f64, ecma: impl FnOnce() -> String) -> String {
    if let Some(whole) = py_whole_number(x) {
        return whole;
    }
    float_repr_with(x, |_| {
        let text = ecma();
        // "123.45", "0.000001", "1e-7", "1.5e+21": digits, a point, an exponent.
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.trim_start_matches('+').parse().unwrap_or(0);
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let int = int.trim_start_matches('-');
        let all: String = [int, frac].concat();
        let zeros = all.len() - all.trim_start_matches('0').len();
        let digits = all.trim_matches('0').to_string();
        (digits, int.len() as i32 - 1 - zeros as i32 + exp)
    })
}

/// Python's `repr()` of a float that is not finite (`nan`, `inf`, `-inf`), else `None`.
pub fn py_nonfinite_repr(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("nan")
    } else if x.is_infinite() {
        Some(if x > 0.0 { "inf" } else { "-inf" })
    } else {
        None
    }
}

/// `repr()` of `x` laid out from `shortest(|x|)`: its significant digits and the decimal
/// exponent of the first one (`("12345", -7)` for 1.2345e-7).
fn float_repr_with(x: f64, shortest: impl FnOnce(f64) -> (String, i32)) -> String {
    if let Some(text) = py_nonfinite_repr(x) {
        return text.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let (digits, exp) = shortest(x.abs());
    let digits = if digits.is_empty() {
        "0".to_string()
    } else {
        digits
    };
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        } else {
            let point = exp as usize + 1;
            if digits.len() <= point {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exp.abs());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        assert_eq!(py_repr(""), "''");
        assert_eq!(py_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_repr("back\\slash"), "'back\\\\slash'");
        assert_eq!(py_repr("清"), "'清'");
        assert_eq!(py_repr("\u{a0}"), "'\\xa0'");
        assert_eq!(py_repr("\u{2028}"), "'\\u2028'");
        assert_eq!(py_repr("\r"), "'\\r'");
    }

    #[test]
    fn float_repr_matches_python() {
        assert_eq!(py_float_repr(1.0), "1.0");
        assert_eq!(py_float_repr(100.2), "100.2");
        assert_eq!(py_float_repr(0.0001), "0.0001");
        assert_eq!(py_float_repr(0.00001), "1e-05");
        assert_eq!(py_float_repr(1e16), "1e+16");
        assert_eq!(py_float_repr(123456789012345.6), "123456789012345.6");
        assert_eq!(py_float_repr(-2.5e-10), "-2.5e-10");
        assert_eq!(py_float_repr(1.2345e300), "1.2345e+300");
        assert_eq!(py_float_repr(-0.0), "-0.0");
    }

    /// ECMAScript's `Number::toString` (ECMA-262 6.1.6.1.20), built from Rust's shortest
    /// digits: decimal from 1e-7 up to 1e21, else "d.ddde+n".
    fn ecma(x: f64) -> String {
        let sci = format!("{:e}", x.abs());
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
        let (k, n) = (digits.len() as i32, exp.parse::<i32>().unwrap() + 1);
        let body = if k <= n && n <= 21 {
            format!("{digits}{}", "0".repeat((n - k) as usize))
        } else if 0 < n && n <= 21 {
            format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
        } else if -6 < n && n <= 0 {
            format!("0.{}{digits}", "0".repeat(-n as usize))
        } else {
            let rest = if k > 1 {
                format!(".{}", &digits[1..])
            } else {
                String::new()
            };
            let sign = if n - 1 < 0 { '-' } else { '+' };
            format!("{}{rest}e{sign}{}", &digits[..1], (n - 1).abs())
        };
        if x < 0.0 {
            format!("-{body}")
        } else {
            body
        }
    }

    // proptest is a native dev-dependency only (wasm-pack test builds these tests too).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn ecma_text_gives_python_str(bits in proptest::prelude::any::<u64>(), scale in -30i32..30) {
            // Random bit patterns cover every exponent; scaled small values the decimal forms.
            for x in [f64::from_bits(bits), (bits >> 11) as f64 * 10f64.powi(scale) / 9.7] {
                if x.is_finite() {
                    proptest::prop_assert_eq!(py_number_str_from_ecma(x, || ecma(x)), py_number_str(x), "{}", ecma(x));
                }
            }
        }
    }

    #[test]
    fn ecma_text_at_the_borders_of_both_forms() {
        for x in [
            1e-7,
            1.5e-7,
            1e-6,
            1e-5,
            1e-4,
            0.1,
            1e15 + 0.5,
            1e16,
            1e20,
            1.2345e20,
            1e21,
            1e22,
            5e-324,
            f64::MAX,
        ] {
            for x in [x, -x] {
                assert_eq!(
                    py_number_str_from_ecma(x, || ecma(x)),
                    py_number_str(x),
                    "{}",
                    ecma(x)
                );
            }
        }
    }
}
