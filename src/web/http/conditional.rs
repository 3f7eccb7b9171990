//! Conditional requests on a cached response (RFC 9110 13.1.1-13.1.3).

use super::date::parse_http_date;
use super::vary::split_header;
use crate::persist::store_key::md5_hex;

/// A strong ETag for a body: its md5, quoted.
///
/// ```
/// assert_eq!(edgecache::http::etag_for(b""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
/// ```
pub fn etag_for(body: &[u8]) -> String {
    format!("\"{}\"", md5_hex(body))
}

/// The opaque part of an entity tag (weak comparison ignores `W/`).
fn opaque(tag: &str) -> &str {
    tag.trim().strip_prefix("W/").unwrap_or(tag.trim())
}

/// True when a cached response with `etag` / `last_modified` answers the request's
/// `If-None-Match` / `If-Modified-Since` with 304: If-None-Match by weak comparison (`*`
/// matches any), else If-Modified-Since when Last-Modified is not later.
///
/// ```
/// use edgecache::http::not_modified;
/// assert!(not_modified(Some("W/\"a\", \"b\""), None, Some("\"b\""), None));
/// assert!(!not_modified(Some("\"a\""), None, Some("\"b\""), None));
/// let lm = "Thu, 01 Jan 1970 00:01:00 GMT";
/// assert!(not_modified(None, Some(lm), None, Some(lm)));
/// ```
pub fn not_modified(
    if_none_match: Option<&str>,
    if_modified_since: Option<&str>,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> bool {
    if let Some(inm) = if_none_match {
        if inm.trim() == "*" {
            return true;
        }
        let Some(etag) = etag else {
            return false;
        };
        return split_header(inm).iter().any(|t| opaque(t) == opaque(etag));
    }
    match (
        if_modified_since.and_then(parse_http_date),
        last_modified.and_then(parse_http_date),
    ) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}
