//! Django's page-cache keys (`_generate_cache_key`, `_generate_cache_header_key`,
//! `learn_cache_key`'s header list), with md5 computed here.

use super::vary::split_header;
use crate::persist::store_key::md5_hex;
use md5::{Digest, Md5};

/// Django's i18n/tz key suffix, as explicit options (both off by default here).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeySuffix {
    /// Appended as `.<language>` (Django's USE_I18N with the request's language).
    pub language: Option<String>,
    /// Appended as `.<time zone>` (Django's USE_TZ with the current time zone).
    pub time_zone: Option<String>,
}

impl KeySuffix {
    fn append(&self, key: &mut String) {
        for part in [&self.language, &self.time_zone].into_iter().flatten() {
            key.push('.');
            key.push_str(part);
        }
    }
}

/// `views.decorators.cache.cache_header.<prefix>.<md5(url)><suffix>`.
///
/// ```
/// use edgecache::http::{header_key, KeySuffix};
/// assert_eq!(header_key("", "http://testserver/", &KeySuffix::default()),
///            "views.decorators.cache.cache_header..b5268943f8305b7b1216f7b0efe65a96");
/// ```
pub fn header_key(prefix: &str, url: &str, suffix: &KeySuffix) -> String {
    let mut key = format!(
        "views.decorators.cache.cache_header.{prefix}.{}",
        md5_hex(url.as_bytes())
    );
    suffix.append(&mut key);
    key
}

/// How the header values enter a page key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyFormat {
    /// Each value length-prefixed and an absent header marked apart from every value, so
    /// two different sets of values never share a key (the default).
    #[default]
    Unambiguous,
    /// Django's exact scheme (values joined with nothing, `-,` for an absent header), for a
    /// store shared with a Django site: `"gzip, brfr"` + `""` and `"gzip, br"` + `"fr"` meet.
    Django,
}

/// `views.decorators.cache.cache_page.<prefix>.<METHOD>.<md5(url)>.<md5(headers)><suffix>`,
/// where the header md5 covers each value in list order, as `format` says.
///
/// ```
/// use edgecache::http::{page_key, KeyFormat, KeySuffix};
/// let none = KeySuffix::default();
/// let key = page_key("", "GET", "http://testserver/", &[], &none, KeyFormat::Django);
/// assert!(key.ends_with(".d41d8cd98f00b204e9800998ecf8427e"));
/// let a = [Some("gzip, brfr"), Some("")];
/// let b = [Some("gzip, br"), Some("fr")];
/// let key = |v: &[Option<&str>], f| page_key("", "GET", "http://x/", v, &none, f);
/// assert_eq!(key(&a, KeyFormat::Django), key(&b, KeyFormat::Django));
/// assert_ne!(key(&a, KeyFormat::Unambiguous), key(&b, KeyFormat::Unambiguous));
/// assert_ne!(key(&[Some("-,")], KeyFormat::Unambiguous), key(&[None], KeyFormat::Unambiguous));
/// ```
pub fn page_key(
    prefix: &str,
    method: &str,
    url: &str,
    values: &[Option<&str>],
    suffix: &KeySuffix,
    format: KeyFormat,
) -> String {
    let mut headers = Md5::new();
    for value in values {
        match (format, value) {
            (KeyFormat::Django, Some(v)) => headers.update(v.as_bytes()),
            (KeyFormat::Django, None) => headers.update(b"-,"),
            (KeyFormat::Unambiguous, Some(v)) => {
                headers.update(b"=");
                headers.update((v.len() as u64).to_le_bytes());
                headers.update(v.as_bytes());
            }
            (KeyFormat::Unambiguous, None) => headers.update(b"!"),
        }
    }
    let mut hex = String::with_capacity(32);
    for b in headers.finalize() {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    let mut key = format!(
        "views.decorators.cache.cache_page.{prefix}.{method}.{}.{hex}",
        md5_hex(url.as_bytes())
    );
    suffix.append(&mut key);
    key
}

/// The header list `learn_cache_key` stores: `HTTP_` + each `Vary` name uppercased with
/// `-` as `_`, without `ACCEPT_LANGUAGE` when the language suffix is on, sorted.
///
/// ```
/// use edgecache::http::learn_header_list;
/// assert_eq!(learn_header_list(Some("Cookie, Accept-Encoding"), false),
///            vec!["HTTP_ACCEPT_ENCODING", "HTTP_COOKIE"]);
/// assert_eq!(learn_header_list(Some("Accept-Language"), true), Vec::<String>::new());
/// assert_eq!(learn_header_list(None, false), Vec::<String>::new());
/// ```
pub fn learn_header_list(vary: Option<&str>, language: bool) -> Vec<String> {
    let Some(vary) = vary else {
        return Vec::new();
    };
    let mut list: Vec<String> = split_header(vary)
        .into_iter()
        .map(|h| h.to_ascii_uppercase().replace('-', "_"))
        .filter(|h| !(language && h == "ACCEPT_LANGUAGE"))
        .map(|h| format!("HTTP_{h}"))
        .collect();
    list.sort();
    list
}
