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
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x.fract() == 0.0 && x.abs() <= SAFE {
        return format!("{}", x as i64);
    }
    py_float_repr(x)
}

/// Python's `repr()` of a float: shortest round-trip digits, scientific below 1e-4 and from 1e16.
pub fn py_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
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
}
