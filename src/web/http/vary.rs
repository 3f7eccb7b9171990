//! `patch_vary_headers` and `has_vary_header`.

/// Django's `cc_delim_re.split`: splits on `\s*,\s*` (whitespace next to commas goes,
/// whitespace at the ends stays).
///
/// ```
/// assert_eq!(edgecache::http::split_header(" a , b,c "), vec![" a", "b", "c "]);
/// ```
pub fn split_header(header: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = header;
    while let Some(comma) = rest.find(',') {
        out.push(rest[..comma].trim_end_matches(char::is_whitespace));
        rest = rest[comma + 1..].trim_start_matches(char::is_whitespace);
    }
    out.push(rest);
    out
}

/// The new `Vary` value after adding `names` (Django's `patch_vary_headers`, quirks kept).
///
/// ```
/// use edgecache::http::patch_vary_headers;
/// assert_eq!(patch_vary_headers(Some("Cookie"), &["Accept-Encoding", "accept-encoding"]),
///            "Cookie, Accept-Encoding, accept-encoding");
/// assert_eq!(patch_vary_headers(Some(""), &["X"]), ", X");
/// assert_eq!(patch_vary_headers(Some("Cookie"), &["*"]), "*");
/// ```
pub fn patch_vary_headers(existing: Option<&str>, names: &[&str]) -> String {
    let mut vary: Vec<&str> = existing.map(split_header).unwrap_or_default();
    let known: Vec<String> = vary.iter().map(|h| h.to_ascii_lowercase()).collect();
    for name in names {
        if !known.contains(&name.to_ascii_lowercase()) {
            vary.push(name);
        }
    }
    if vary.contains(&"*") {
        "*".to_string()
    } else {
        vary.join(", ")
    }
}

/// True when `Vary` names `name` (each element stripped and lowercased).
///
/// ```
/// assert!(edgecache::http::has_vary_header(Some("Accept, * "), "*"));
/// assert!(!edgecache::http::has_vary_header(None, "cookie"));
/// ```
pub fn has_vary_header(vary: Option<&str>, name: &str) -> bool {
    let wanted = name.trim().to_ascii_lowercase();
    vary.is_some_and(|v| {
        split_header(v)
            .iter()
            .any(|h| h.trim().to_ascii_lowercase() == wanted)
    })
}
