//! `patch_cache_control` and `get_max_age`, with Django's parsing and output rules.

use super::vary::split_header;
use crate::codec::pystr::py_number_str;

/// A directive's value: bare (`True` in Django) or `name=value`.
#[derive(Debug, Clone, PartialEq)]
pub enum DirectiveValue {
    /// A bare directive (`public`).
    Bare,
    /// A directive with a value, printed as Python's `str()` would.
    Text(String),
}

impl DirectiveValue {
    /// A JS-ish value as Django would print it: `true` is bare, `false` is `False`,
    /// numbers as Python prints them, `null` as `None`.
    pub fn from_number(x: f64) -> Self {
        DirectiveValue::Text(py_number_str(x))
    }
}

/// One directive to set: its name (`_` becomes `-`) and value.
pub type Directive = (String, DirectiveValue);

/// Django's directive split: at the first `=`, name lowercased; no `=` is bare.
fn parse_field(field: &str) -> (String, DirectiveValue) {
    match field.split_once('=') {
        Some((name, value)) => (
            name.to_ascii_lowercase(),
            DirectiveValue::Text(value.to_string()),
        ),
        None => (field.to_ascii_lowercase(), DirectiveValue::Bare),
    }
}

/// Python's `int()` of a directive value: surrounding whitespace, a sign, digits with
/// single underscores between them.
/// `floor(x)` of a decimal `[-]digits.digits` (how a fractional max_age is printed); `None`
/// for anything else. (No float parser: it would add ~6 KB to the module.)
fn floor_of_decimal(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, rest) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, fraction) = rest.split_once('.')?;
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let exact = fraction.bytes().all(|b| b == b'0');
    Some(match (negative, exact) {
        (false, _) => whole,
        (true, true) => -whole,
        (true, false) => -whole - 1,
    })
}

fn py_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    digits
        .replace('_', "")
        .parse::<i64>()
        .ok()
        .map(|n| sign * n)
}

/// Django's `get_max_age`: the `max-age` directive as an integer (a bare `max-age` is 1).
///
/// ```
/// use edgecache::http::max_age;
/// assert_eq!(max_age(Some("public, max-age=60")), Some(60));
/// assert_eq!(max_age(Some("max-age=-5")), Some(-5));
/// assert_eq!(max_age(Some("max-age")), Some(1));
/// assert_eq!(max_age(Some("max-age=60.5")), None);
/// assert_eq!(max_age(Some("max-age = 60")), None);
/// assert_eq!(max_age(None), None);
/// ```
pub fn max_age(cache_control: Option<&str>) -> Option<i64> {
    max_age_like(cache_control, "max-age")
}

/// An integer directive read as `get_max_age` reads `max-age`.
pub(crate) fn max_age_like(cache_control: Option<&str>, directive: &str) -> Option<i64> {
    let mut found = None;
    for field in split_header(cache_control?) {
        let (name, value) = parse_field(field);
        if name == directive {
            found = Some(value);
        }
    }
    match found? {
        DirectiveValue::Bare => Some(1),
        DirectiveValue::Text(t) => py_int(&t),
    }
}

/// Whether `Cache-Control` has a `max-age` that Django's `patch_cache_control` cannot read as
/// an integer when it takes the smaller of it and a new one (`int()` raises `ValueError`):
/// `max-age=1.5`, `max-age=`, `max-age=0x10`. A bare `max-age` reads as 1.
///
/// ```
/// use edgecache::http::max_age_unreadable;
/// assert!(max_age_unreadable(Some("public, max-age=1.5")));
/// assert!(max_age_unreadable(Some("max-age=10, max-age=x")), "the last one counts");
/// assert!(!max_age_unreadable(Some("max-age=+3, max-age")));
/// assert!(!max_age_unreadable(None));
/// ```
pub fn max_age_unreadable(cache_control: Option<&str>) -> bool {
    let mut last = None;
    for field in split_header(cache_control.unwrap_or("")) {
        let (name, value) = parse_field(field);
        if name == "max-age" {
            last = Some(value);
        }
    }
    match last {
        Some(DirectiveValue::Text(t)) => py_int(&t).is_none(),
        _ => false,
    }
}

/// The new `Cache-Control` value after setting `directives` (Django's `patch_cache_control`):
/// existing directives keep their order and slot, new ones follow in the given order,
/// `max-age` becomes the smaller of the old and new, `public` and `private` replace each
/// other, `no-cache` collects values.
///
/// ```
/// use edgecache::http::{patch_cache_control, DirectiveValue::*};
/// let kw = |n: &str, v| (n.to_string(), v);
/// assert_eq!(patch_cache_control(Some("private, max-age=100"),
///     &[kw("public", Bare), kw("max_age", Text("60".into()))]), "max-age=60, public");
/// assert_eq!(patch_cache_control(None, &[]), "");
/// ```
pub fn patch_cache_control(existing: Option<&str>, directives: &[Directive]) -> String {
    // (name, values): a Vec keeps Django's dict insertion order; no-cache holds a set.
    let mut cc: Vec<(String, Vec<DirectiveValue>)> = Vec::new();
    fn put(cc: &mut Vec<(String, Vec<DirectiveValue>)>, name: String, value: DirectiveValue) {
        let collects = name == "no-cache";
        match cc.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) if collects => {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            Some((_, values)) => *values = vec![value],
            None => cc.push((name, vec![value])),
        }
    }
    if let Some(header) = existing.filter(|h| !h.is_empty()) {
        for field in split_header(header) {
            let (name, value) = parse_field(field);
            put(&mut cc, name, value);
        }
    }
    let mut directives: Vec<Directive> = directives
        .iter()
        .map(|(n, v)| (n.replace('_', "-"), v.clone()))
        .collect();
    let old_max_age = cc
        .iter()
        .find(|(n, _)| n == "max-age")
        .and_then(|(_, v)| match v.first() {
            Some(DirectiveValue::Text(t)) => py_int(t),
            Some(DirectiveValue::Bare) => Some(1),
            None => None,
        });
    for (name, value) in &mut directives {
        if name == "max-age" {
            if let (Some(old), DirectiveValue::Text(new)) = (old_max_age, &*value) {
                if let Some(new) = py_int(new) {
                    *value = DirectiveValue::Text(old.min(new).to_string());
                } else if let Some(floor) = floor_of_decimal(new) {
                    // Django's min(int(old), max_age) with a float max_age: the smaller
                    // wins, printed as Python prints it (the float's own text). Against an
                    // integer, `x < old` exactly when `floor(x) < old`.
                    if old <= floor {
                        *value = DirectiveValue::Text(old.to_string());
                    }
                }
            }
        }
    }
    let given = |n: &str| directives.iter().any(|(name, _)| name == n);
    let present =
        |cc: &Vec<(String, Vec<DirectiveValue>)>, n: &str| cc.iter().any(|(name, _)| name == n);
    if present(&cc, "private") && given("public") {
        cc.retain(|(n, _)| n != "private");
    } else if present(&cc, "public") && given("private") {
        cc.retain(|(n, _)| n != "public");
    }
    for (name, value) in directives {
        put(&mut cc, name, value);
    }
    let mut parts = Vec::new();
    for (name, values) in cc {
        let bare = values.contains(&DirectiveValue::Bare);
        for value in values {
            match value {
                DirectiveValue::Bare => parts.push(name.clone()),
                DirectiveValue::Text(_) if bare => {}
                DirectiveValue::Text(t) => parts.push(format!("{name}={t}")),
            }
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::DirectiveValue::*;
    use super::*;

    fn kw(name: &str, value: DirectiveValue) -> Directive {
        (name.to_string(), value)
    }

    #[test]
    fn djangos_patch_cache_control_cases() {
        let cases: [(Option<&str>, Vec<Directive>, &str); 8] = [
            (None, vec![kw("no_cache", Bare)], "no-cache"),
            (
                None,
                vec![kw("no_cache", Text("Set-Cookie".into()))],
                "no-cache=Set-Cookie",
            ),
            (
                Some("no-cache=Set-Cookie"),
                vec![kw("no_cache", Bare)],
                "no-cache",
            ),
            (
                Some("no-cache=Set-Cookie, no-cache=Link"),
                vec![kw("no_cache", Bare)],
                "no-cache",
            ),
            (
                Some("no-cache=Set-Cookie"),
                vec![kw("no_cache", Text("Link".into()))],
                "no-cache=Set-Cookie, no-cache=Link",
            ),
            (Some("private"), vec![kw("public", Bare)], "public"),
            (
                Some("public"),
                vec![kw("private", Bare), kw("public", Bare)],
                "private, public",
            ),
            (
                Some("Max-Age=10, MUST-revalidate"),
                vec![kw("no_store", Text("False".into()))],
                "max-age=10, must-revalidate, no-store=False",
            ),
        ];
        for (existing, directives, expected) in cases {
            assert_eq!(
                patch_cache_control(existing, &directives),
                expected,
                "{existing:?} {directives:?}"
            );
        }
    }

    #[test]
    fn floor_of_decimal_reads_printed_floats() {
        assert_eq!(floor_of_decimal("2.5"), Some(2));
        assert_eq!(floor_of_decimal("-2.5"), Some(-3));
        assert_eq!(floor_of_decimal("-2.0"), Some(-2));
        assert_eq!(floor_of_decimal("1e+20"), None);
        assert_eq!(floor_of_decimal("abc"), None);
    }

    #[test]
    fn a_fractional_max_age_takes_the_minimum_too() {
        assert_eq!(
            patch_cache_control(Some("max-age=10"), &[kw("max_age", Text("2.5".into()))]),
            "max-age=2.5"
        );
        assert_eq!(
            patch_cache_control(Some("max-age=1"), &[kw("max_age", Text("2.5".into()))]),
            "max-age=1"
        );
    }

    #[test]
    fn max_age_takes_the_minimum_and_keeps_its_slot() {
        assert_eq!(
            patch_cache_control(
                Some("max-age=10, public"),
                &[kw("max_age", Text("60".into()))]
            ),
            "max-age=10, public"
        );
        assert_eq!(
            patch_cache_control(Some(""), &[kw("max_age", Text("0".into()))]),
            "max-age=0"
        );
    }

    #[test]
    fn py_int_accepts_what_python_accepts() {
        assert_eq!(py_int(" 60 "), Some(60));
        assert_eq!(py_int("+5"), Some(5));
        assert_eq!(py_int("1_000"), Some(1000));
        assert_eq!(py_int("1__0"), None);
        assert_eq!(py_int("\"60\""), None);
    }
}
