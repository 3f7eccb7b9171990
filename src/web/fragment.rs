//! Django's template fragment cache: `make_template_fragment_key` and the `{% cache %}`
//! tag's timeout coercion.

use crate::codec::pystr::{py_nonfinite_repr, py_repr};
use crate::error::{Error, Result};
use crate::persist::store_key::hex;
use md5::{Digest, Md5};

/// Django's `make_template_fragment_key`: `template.cache.<name>.<md5 hex>`, the md5 over
/// `str(arg) + ":"` for each vary-on value (already in Python's `str()` form).
///
/// ```
/// use edgecache::fragment_key;
/// assert_eq!(fragment_key::<&str>("a.fragment", &[]), "template.cache.a.fragment.d41d8cd98f00b204e9800998ecf8427e");
/// assert_eq!(fragment_key("foo", &["abc"]), "template.cache.foo.493e283d571a73056196f1a68efd0f66");
/// ```
pub fn fragment_key<S: AsRef<str>>(name: &str, vary_on: &[S]) -> String {
    let mut md5 = Md5::new();
    for arg in vary_on {
        md5.update(arg.as_ref().as_bytes());
        md5.update(b":");
    }
    format!("template.cache.{name}.{}", hex(&md5.finalize()))
}

/// A `{% cache %}` timeout before coercion.
#[derive(Debug, Clone, PartialEq)]
pub enum FragmentTimeout<'a> {
    /// Python `None`: cache forever.
    None,
    /// A number (`int()` truncates toward zero).
    Number(f64),
    /// A string (`int()` parses it).
    Text(&'a str),
    /// Anything else, by its Python repr (for the error message).
    Other(String),
}

/// The tag's timeout: `Ok(None)` = forever, `Ok(Some(seconds))`; 0 or less means "render
/// every time". Anything `int()` refuses is Django's error message.
///
/// ```
/// use edgecache::{fragment_timeout, FragmentTimeout as T};
/// assert_eq!(fragment_timeout(&T::Text(" 2 ")), Ok(Some(2)));
/// assert_eq!(fragment_timeout(&T::Number(2.7)), Ok(Some(2)));
/// assert_eq!(fragment_timeout(&T::None), Ok(None));
/// let e = fragment_timeout(&T::Text("2.5")).unwrap_err();
/// assert_eq!(e.to_string(), "\"cache\" tag got a non-integer timeout value: '2.5'");
/// ```
pub fn fragment_timeout(timeout: &FragmentTimeout<'_>) -> Result<Option<i64>> {
    let refused = |repr: String| {
        Error::invalid(
            "INVALID_FRAGMENT_TIMEOUT",
            format!("\"cache\" tag got a non-integer timeout value: {repr}"),
        )
    };
    match timeout {
        FragmentTimeout::None => Ok(None),
        FragmentTimeout::Number(x) if x.is_finite() => Ok(Some(x.trunc() as i64)),
        FragmentTimeout::Number(x) => Err(refused(py_nonfinite_repr(*x).unwrap_or("nan").into())),
        FragmentTimeout::Text(s) => parse_py_int(s).map(Some).ok_or_else(|| refused(py_repr(s))),
        FragmentTimeout::Other(repr) => Err(refused(repr.clone())),
    }
}

/// Python's `int(str)` for base 10: surrounding whitespace, a sign, digits with single
/// underscores between them.
fn parse_py_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (negative, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut n: i64 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let d = c.to_digit(10)?;
        n = n.checked_mul(10)?.checked_add(i64::from(d))?;
    }
    Some(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn djangos_expected_keys() {
        let x = "x".repeat(10_000);
        let cases: [(&str, Vec<&str>, &str); 8] = [
            (
                "a.fragment",
                vec![],
                "template.cache.a.fragment.d41d8cd98f00b204e9800998ecf8427e",
            ),
            (
                "foo",
                vec!["abc"],
                "template.cache.foo.493e283d571a73056196f1a68efd0f66",
            ),
            (
                "bar",
                vec!["abc", "def"],
                "template.cache.bar.17c1a507a0cb58384f4c639067a93520",
            ),
            (
                "spam",
                vec!["abc:def%"],
                "template.cache.spam.06c8ae8e8c430b69fb0a6443504153dc",
            ),
            (
                "foo",
                vec!["1", "2", "3", "4", "5"],
                "template.cache.foo.7ae8fd2e0d25d651c683bdeebdb29461",
            ),
            (
                "foo",
                vec!["42º", "😀"],
                "template.cache.foo.7ced1c94e543668590ba39b3c08b0237",
            ),
            (
                "foo",
                vec![&x],
                "template.cache.foo.3670b349b5124aa56bdb50678b02b23a",
            ),
            (
                "test",
                vec!["1"],
                "template.cache.test.3afcdbfeb6ecfbdd0ba628696e3cc163",
            ),
        ];
        for (name, vary, expected) in cases {
            assert_eq!(fragment_key(name, &vary), expected);
        }
    }

    #[test]
    fn python_int_rules() {
        for (s, n) in [
            ("2", 2),
            ("-3", -3),
            ("+4", 4),
            ("1_000", 1000),
            ("\t7\n", 7),
        ] {
            assert_eq!(parse_py_int(s), Some(n), "{s}");
        }
        for s in [
            "",
            "2.5",
            "fail",
            "_1",
            "1_",
            "1__0",
            "- 1",
            "99999999999999999999",
        ] {
            assert_eq!(parse_py_int(s), None, "{s}");
        }
    }
}
