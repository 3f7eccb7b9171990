//! Cookies as Django reads and writes them: `django.http.parse_cookie` and the
//! `Set-Cookie` line `HttpResponse.set_cookie` / `delete_cookie` produce (Python's
//! `SimpleCookie` prints attributes sorted by name).

use crate::error::{Error, Result};

/// `SameSite` values Django accepts (case-insensitive; printed as given).
const SAME_SITE: [&str; 3] = ["lax", "none", "strict"];
/// Python's `http.cookies._LegalChars` besides ASCII letters and digits.
const LEGAL_PUNCT: &[u8] = b"!#$%&'*+-.^_`|~:";

/// The value of cookie `name` in a `Cookie` request header, as Django's `parse_cookie`
/// (last one wins, whitespace stripped, quoted values unquoted).
///
/// ```
/// use edgecache::http::cookie_value;
/// assert_eq!(cookie_value("a=1; sessionid=abc ; b", "sessionid").as_deref(), Some("abc"));
/// assert_eq!(cookie_value("x=\"q\\\"t\"", "x").as_deref(), Some("q\"t"));
/// assert_eq!(cookie_value("a=1", "sessionid"), None);
/// ```
pub fn cookie_value(header: &str, name: &str) -> Option<String> {
    let mut found = None;
    for chunk in header.split(';') {
        let (key, value) = match chunk.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => ("", chunk.trim()),
        };
        if (!key.is_empty() || !value.is_empty()) && key == name {
            found = Some(unquote(value));
        }
    }
    found
}

/// Python's `http.cookies._unquote`: strips `"..."` and resolves `\"`, `\\` and `\ooo`.
fn unquote(value: &str) -> String {
    let b = value.as_bytes();
    if b.len() < 2 || b[0] != b'"' || b[b.len() - 1] != b'"' {
        return value.to_string();
    }
    let inner = &b[1..b.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let octal = inner.get(i + 1..i + 4).filter(|d| {
            matches!(d[0], b'0'..=b'3') && d[1..].iter().all(|c| matches!(c, b'0'..=b'7'))
        });
        match (inner[i], octal, inner.get(i + 1)) {
            (b'\\', Some(d), _) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b'\\', None, Some(&c)) => {
                out.push(c);
                i += 2;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Python's `http.cookies._quote`: legal values as they are, others in `"..."` with
/// `"` and `\` escaped and other bytes outside printable ASCII as `\ooo`.
fn quote(value: &str) -> String {
    let legal = |c: &u8| c.is_ascii_alphanumeric() || LEGAL_PUNCT.contains(c);
    if value.bytes().all(|c| legal(&c)) {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.bytes() {
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\{c:03o}")),
        }
    }
    out.push('"');
    out
}

/// The attributes of the cookies a site sets (Django's `SESSION_COOKIE_*` settings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSettings {
    /// The cookie name.
    pub name: String,
    /// `Domain`, if any.
    pub domain: Option<String>,
    /// `Path`.
    pub path: String,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`, if any: `Lax`, `Strict` or `None` (any case).
    pub same_site: Option<String>,
}

impl CookieSettings {
    /// Checks the settings as Django's `set_cookie` does (name and `SameSite`).
    ///
    /// ```
    /// use edgecache::http::CookieSettings;
    /// let ok = CookieSettings::new("sessionid", None, "/", false, true, Some("Lax")).unwrap();
    /// assert_eq!(ok.same_site.as_deref(), Some("Lax"));
    /// assert!(CookieSettings::new("sessionid", None, "/", false, true, Some("Loose")).is_err());
    /// assert!(CookieSettings::new("a b", None, "/", false, true, None).is_err());
    /// ```
    pub fn new(
        name: &str,
        domain: Option<&str>,
        path: &str,
        secure: bool,
        http_only: bool,
        same_site: Option<&str>,
    ) -> Result<Self> {
        let token = |c: u8| c.is_ascii_alphanumeric() || LEGAL_PUNCT.contains(&c);
        if name.is_empty() || !name.bytes().all(token) {
            return Err(Error::invalid(
                "INVALID_COOKIE",
                format!("invalid cookie name {name:?}: use letters, digits and !#$%&'*+-.^_`|~:"),
            ));
        }
        if let Some(s) = same_site {
            if !SAME_SITE.contains(&s.to_ascii_lowercase().as_str()) {
                return Err(Error::invalid(
                    "INVALID_COOKIE",
                    format!("sameSite must be \"Lax\", \"None\" or \"Strict\", got {s:?}"),
                ));
            }
        }
        let attr = |v: &str, what: &str| {
            if v.bytes().any(|c| c == b';' || c < 0x20 || c == 0x7f) {
                Err(Error::invalid(
                    "INVALID_COOKIE",
                    format!("cookie {what} {v:?} must not contain ';' or control characters"),
                ))
            } else {
                Ok(v.to_string())
            }
        };
        Ok(CookieSettings {
            name: name.to_string(),
            domain: domain.map(|d| attr(d, "domain")).transpose()?,
            path: attr(path, "path")?,
            secure,
            http_only,
            same_site: same_site.map(str::to_string),
        })
    }

    /// The `Set-Cookie` value `set_cookie(name, value, max_age, expires, ...)` prints;
    /// `max_age` in seconds (None: a browser-session cookie), `now` in seconds.
    ///
    /// ```
    /// use edgecache::http::CookieSettings;
    /// let s = CookieSettings::new("sessionid", None, "/", false, true, Some("Lax")).unwrap();
    /// assert_eq!(
    ///     s.set_cookie("abc", Some(60.5), 0.0),
    ///     "sessionid=abc; expires=Thu, 01 Jan 1970 00:01:00 GMT; HttpOnly; Max-Age=60; Path=/; SameSite=Lax"
    /// );
    /// assert_eq!(s.set_cookie("abc", None, 0.0), "sessionid=abc; HttpOnly; Path=/; SameSite=Lax");
    /// ```
    pub fn set_cookie(&self, value: &str, max_age: Option<f64>, now: f64) -> String {
        // SessionMiddleware's `http_date(time.time() + max_age)` with the age as it is, and
        // `set_cookie`'s `int(max_age)` (a truncation) for Max-Age.
        let expires = max_age.map(|age| super::http_date(now + age));
        self.line(
            value,
            max_age.map(|age| age.trunc() as i64),
            expires.as_deref(),
            self.secure,
            self.http_only,
        )
    }

    /// The `Set-Cookie` value of Django's `delete_cookie` (empty value, epoch expiry,
    /// `Max-Age=0`; `Secure` for `__Secure-`/`__Host-` names or `SameSite=None`).
    ///
    /// ```
    /// use edgecache::http::CookieSettings;
    /// let s = CookieSettings::new("sessionid", None, "/", false, true, Some("Lax")).unwrap();
    /// assert_eq!(
    ///     s.delete_cookie(),
    ///     "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax"
    /// );
    /// ```
    pub fn delete_cookie(&self) -> String {
        let secure = self.name.starts_with("__Secure-")
            || self.name.starts_with("__Host-")
            || self.same_site.as_deref().map(str::to_ascii_lowercase) == Some("none".into());
        let epoch = "Thu, 01 Jan 1970 00:00:00 GMT";
        self.line("", Some(0), Some(epoch), secure, false)
    }

    /// One `Set-Cookie` line; attributes in `SimpleCookie`'s sorted order.
    fn line(
        &self,
        value: &str,
        max_age: Option<i64>,
        expires: Option<&str>,
        secure: bool,
        http_only: bool,
    ) -> String {
        let value = if value.is_empty() {
            "\"\"".into()
        } else {
            quote(value)
        };
        let mut out = format!("{}={}", self.name, value);
        if let Some(d) = &self.domain {
            out.push_str(&format!("; Domain={d}"));
        }
        if let Some(e) = expires {
            out.push_str(&format!("; expires={e}"));
        }
        if http_only {
            out.push_str("; HttpOnly");
        }
        if let Some(age) = max_age {
            out.push_str(&format!("; Max-Age={age}"));
        }
        out.push_str(&format!("; Path={}", self.path));
        if let Some(s) = &self.same_site {
            out.push_str(&format!("; SameSite={s}"));
        }
        if secure {
            out.push_str("; Secure");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_cookie_rules() {
        assert_eq!(
            cookie_value("sessionid=a; sessionid=b", "sessionid").as_deref(),
            Some("b")
        );
        assert_eq!(
            cookie_value("  sessionid  =  x y ", "sessionid").as_deref(),
            Some("x y")
        );
        assert_eq!(
            cookie_value("sessionid", "sessionid"),
            None,
            "a bare chunk has key ''"
        );
        assert_eq!(cookie_value("a=\"\\101\\\\\"", "a").as_deref(), Some("A\\"));
        assert_eq!(cookie_value("a=\"", "a").as_deref(), Some("\""));
        assert_eq!(cookie_value("a==b", "a").as_deref(), Some("=b"));
        assert_eq!(cookie_value("", "a"), None);
    }

    #[test]
    fn quoting_as_simple_cookie() {
        assert_eq!(quote("abc:!"), "abc:!");
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote("a\"b\\"), "\"a\\\"b\\\\\"");
        assert_eq!(quote("é"), "\"\\303\\251\"");
        assert_eq!(unquote(&quote("a;\"é")), "a;\"é");
    }

    #[test]
    fn every_attribute_in_sorted_order() {
        let s = CookieSettings::new(
            "sid",
            Some("example.com"),
            "/app",
            true,
            true,
            Some("Strict"),
        )
        .unwrap();
        assert_eq!(
            s.set_cookie("v", Some(10.0), 0.0),
            "sid=v; Domain=example.com; expires=Thu, 01 Jan 1970 00:00:10 GMT; HttpOnly; \
             Max-Age=10; Path=/app; SameSite=Strict; Secure"
        );
    }

    #[test]
    fn deleting_secure_prefixed_or_samesite_none_cookies_sets_secure() {
        let host = CookieSettings::new("__Host-sid", None, "/", false, true, None).unwrap();
        assert!(host.delete_cookie().ends_with("; Path=/; Secure"));
        let none = CookieSettings::new("sid", None, "/", false, true, Some("none")).unwrap();
        assert!(none.delete_cookie().ends_with("; SameSite=none; Secure"));
    }

    #[test]
    fn attributes_cannot_inject() {
        assert!(CookieSettings::new("sid", Some("a;b"), "/", false, true, None).is_err());
        assert!(CookieSettings::new("sid", None, "/\n", false, true, None).is_err());
    }
}
