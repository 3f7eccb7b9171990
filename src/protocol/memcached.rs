//! memcached's meta text protocol (`mg`, `ms`, `md`, `mn`): the command lines a client
//! writes and the reply lines it reads, as pure functions. The adapter (js/stores/memcached.js)
//! frames values by the length a reply line gives and owns the sockets.
//!
//! Keys go as they are (UTF-8) when they have no space or control character, as pymemcache
//! sends Django's keys, so a Django site using the same keys reads the same entries; any other
//! key goes base64-encoded with the `b` flag, shortened by the store-key rule so its encoding
//! fits memcached's 250-byte token.
//! (Over ~400 lines with its tests: command lines and reply lines are one protocol.)

use crate::error::{Error, Result};
use crate::persist::store_key::store_key;

/// The longest key memcached accepts (bytes).
pub const MAX_KEY_BYTES: usize = 250;

/// The longest binary key whose base64 fits in [`MAX_KEY_BYTES`].
const MAX_BINARY_KEY_BYTES: usize = MAX_KEY_BYTES / 4 * 3;

/// A TTL above 30 days is an absolute Unix time in memcached's protocol.
pub const RELATIVE_TTL_LIMIT: f64 = 30.0 * 24.0 * 3600.0;

/// A command of the meta protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `mg <key> v`: the value, or `EN`.
    Get,
    /// `mg <key> v c`: the value and its CAS token, or `EN`.
    GetCas,
    /// `ms <key> <len> [T]`: store; `HD`.
    Set,
    /// `ms <key> <len> ME [T]`: store only when absent; `HD` or `NS`.
    Add,
    /// `ms <key> <len> C<cas> [T]`: store only when the CAS token still matches; `HD`, `EX`
    /// (changed) or `NF` (gone).
    CompareAndSwap,
    /// `md <key>`: `HD` or `NF`.
    Delete,
    /// `mn`: `MN`, a marker that every earlier reply has arrived.
    Noop,
    /// `flush_all`: empties the server; `OK`.
    FlushAll,
    /// `mg <key> t`: the item's TTL left (`HD t<seconds>`, `t-1` for none), or `EN`.
    Ttl,
}

/// The TTL flag's number for `ttl` seconds from `now` (Unix seconds): whole seconds rounded
/// up (at least 1), or an absolute time beyond 30 days; `None` (forever) is 0.
///
/// ```
/// use edgecache::protocol::memcached::ttl_field;
/// assert_eq!(ttl_field(None, 1_700_000_000.0), 0);
/// assert_eq!(ttl_field(Some(0.2), 1_700_000_000.0), 1);
/// assert_eq!(ttl_field(Some(300.0), 1_700_000_000.0), 300);
/// assert_eq!(ttl_field(Some(40.0 * 86_400.0), 1_700_000_000.5), 1_703_456_000);
/// ```
pub fn ttl_field(ttl: Option<f64>, now: f64) -> u64 {
    match ttl {
        None => 0,
        Some(t) if t.is_nan() || t <= 0.0 => 1,
        Some(t) if t <= RELATIVE_TTL_LIMIT => t.ceil() as u64,
        Some(t) => (now.floor() + t.ceil()).min(u32::MAX as f64) as u64,
    }
}

/// The command line (ending in `\r\n`) of `command` on `key`; for a store, `length` is the
/// value's byte length (the value and `\r\n` follow), `ttl` its lifetime in seconds (`None`:
/// forever) and `cas` the token a `GetCas` reply gave.
///
/// ```
/// use edgecache::protocol::memcached::{command_line, Command};
/// let line = command_line(Command::Set, "a:1:k", 3, Some(60.0), b"", 0.0).unwrap();
/// assert_eq!(line, b"ms a:1:k 3 T60\r\n");
/// assert_eq!(command_line(Command::Get, "k y", 0, None, b"", 0.0).unwrap(), b"mg ayB5 b v f\r\n");
/// ```
pub fn command_line(
    command: Command,
    key: &str,
    length: usize,
    ttl: Option<f64>,
    cas: &[u8],
    now: f64,
) -> Result<Vec<u8>> {
    command_line_with_flags(command, key, length, ttl, cas, now, 0)
}

/// [`command_line`] with the item's client flags for a store (`F`, when not 0); a get asks
/// for them back (`f`).
///
/// ```
/// use edgecache::protocol::memcached::{command_line_with_flags, Command};
/// let set = command_line_with_flags(Command::Set, "k", 2, None, b"", 0.0, 16).unwrap();
/// assert_eq!(set, b"ms k 2 F16\r\n");
/// let get = command_line_with_flags(Command::Get, "k", 0, None, b"", 0.0, 0).unwrap();
/// assert_eq!(get, b"mg k v f\r\n");
/// ```
pub fn command_line_with_flags(
    command: Command,
    key: &str,
    length: usize,
    ttl: Option<f64>,
    cas: &[u8],
    now: f64,
    client_flags: u32,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(key.len() + 32);
    let verb: &[u8] = match command {
        Command::Get | Command::GetCas | Command::Ttl => b"mg ",
        Command::Set | Command::Add | Command::CompareAndSwap => b"ms ",
        Command::Delete => b"md ",
        Command::Noop => return Ok(b"mn\r\n".to_vec()),
        Command::FlushAll => return Ok(b"flush_all\r\n".to_vec()),
    };
    out.extend_from_slice(verb);
    let binary = push_key(&mut out, key)?;
    if matches!(
        command,
        Command::Set | Command::Add | Command::CompareAndSwap
    ) {
        out.push(b' ');
        out.extend_from_slice(length.to_string().as_bytes());
    }
    if binary {
        out.extend_from_slice(b" b");
    }
    match command {
        Command::Get => out.extend_from_slice(b" v f"),
        // `t`: the item's TTL left, for a write that keeps it (an incr in Django's format).
        Command::GetCas => out.extend_from_slice(b" v c f t"),
        Command::Ttl => out.extend_from_slice(b" t"),
        Command::Add => out.extend_from_slice(b" ME"),
        Command::CompareAndSwap => {
            if cas.is_empty() || !cas.iter().all(u8::is_ascii_digit) {
                return Err(Error::invalid(
                    "INVALID_ARGUMENT",
                    "a CAS token is decimal digits",
                ));
            }
            out.extend_from_slice(b" C");
            out.extend_from_slice(cas);
        }
        _ => {}
    }
    let store = matches!(
        command,
        Command::Set | Command::Add | Command::CompareAndSwap
    );
    if store && client_flags != 0 {
        out.extend_from_slice(b" F");
        out.extend_from_slice(client_flags.to_string().as_bytes());
    }
    if store {
        let t = ttl_field(ttl, now);
        if t != 0 {
            out.extend_from_slice(b" T");
            out.extend_from_slice(t.to_string().as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

/// Writes `key` as a token; true when it went base64-encoded (the `b` flag).
fn push_key(out: &mut Vec<u8>, key: &str) -> Result<bool> {
    if key.is_empty() {
        return Err(Error::invalid(
            "INVALID_KEY",
            "a memcached key cannot be empty",
        ));
    }
    let plain = key.len() <= MAX_KEY_BYTES && key.bytes().all(|b| b > 0x20 && b != 0x7f);
    if plain {
        out.extend_from_slice(key.as_bytes());
        return Ok(false);
    }
    let short = store_key(key, MAX_BINARY_KEY_BYTES);
    base64(out, short.as_bytes());
    Ok(true)
}

fn base64(out: &mut Vec<u8>, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize]
            } else {
                b'='
            });
        }
    }
}

/// What a reply line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// `VA <len> <flags>`: a value of `len` bytes (and `\r\n`) follows.
    Value,
    /// `HD`: done (stored, deleted).
    Done,
    /// `NS`: not stored (an `Add` of a present key).
    NotStored,
    /// `EX`: the CAS token no longer matches.
    Exists,
    /// `NF`: not found (a delete or CAS of a missing key).
    NotFound,
    /// `EN`: a get missed.
    Miss,
    /// `MN`: the no-op's marker.
    Noop,
    /// `OK`: `flush_all` done.
    Ok,
    /// `SERVER_ERROR <message>`: this command failed (an item too large, out of memory); the
    /// connection stays in step.
    ServerError,
}

/// A parsed reply line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// What the line says.
    pub status: Status,
    /// For a value: its length in bytes (the data and `\r\n` follow the line).
    pub length: usize,
    /// The CAS token's byte range in the line (`c` flag), if it has one.
    pub cas: Option<(usize, usize)>,
    /// The item's client flags (`f` flag), 0 when not given.
    pub client_flags: u32,
    /// The item's TTL left in seconds (`t` flag); `None` when not given or unlimited (`t-1`).
    pub ttl: Option<u32>,
}

/// Parses one reply line (without its `\r\n`). A value longer than `max_value` bytes, a
/// protocol error (`ERROR`, `CLIENT_ERROR`) or anything malformed is an error: the connection
/// cannot be trusted to stay in step after it. `SERVER_ERROR` is a reply ([`Status::ServerError`]).
///
/// ```
/// use edgecache::protocol::memcached::{parse_reply, Status};
/// let r = parse_reply(b"VA 3 c42 f0 t90", 1 << 20).unwrap();
/// assert_eq!((r.status, r.length, r.ttl), (Status::Value, 3, Some(90)));
/// assert_eq!(parse_reply(b"VA 3 c42 t-1", 1 << 20).unwrap().ttl, None);
/// assert_eq!(&b"VA 3 c42 f0"[r.cas.unwrap().0..r.cas.unwrap().1], b"42");
/// assert_eq!(parse_reply(b"EN", 10).unwrap().status, Status::Miss);
/// assert_eq!(parse_reply(b"SERVER_ERROR out of memory", 10).unwrap().status, Status::ServerError);
/// assert!(parse_reply(b"CLIENT_ERROR bad command line format", 10).is_err());
/// assert!(parse_reply(b"VA 99 ", 10).is_err());
/// ```
pub fn parse_reply(line: &[u8], max_value: usize) -> Result<Reply> {
    let bad = |what: &str| Error::Corrupt(format!("memcached reply: {what}"));
    if line.len() > 4096 {
        return Err(bad("a reply line over 4 KiB"));
    }
    let mut tokens = line.split(|&b| b == b' ').filter(|t| !t.is_empty());
    let code = tokens.next().ok_or_else(|| bad("an empty line"))?;
    let status = match code {
        b"VA" => Status::Value,
        b"HD" => Status::Done,
        b"NS" => Status::NotStored,
        b"EX" => Status::Exists,
        b"NF" => Status::NotFound,
        b"EN" => Status::Miss,
        b"MN" => Status::Noop,
        b"OK" => Status::Ok,
        b"SERVER_ERROR" => Status::ServerError,
        b"ERROR" | b"CLIENT_ERROR" => {
            return Err(bad(&format!(
                "the server said {}",
                String::from_utf8_lossy(line)
            )));
        }
        _ => return Err(bad("an unknown reply")),
    };
    let mut length = 0;
    if status == Status::Value {
        let size = tokens
            .next()
            .ok_or_else(|| bad("a value without a length"))?;
        if size.is_empty() || size.len() > 12 || !size.iter().all(u8::is_ascii_digit) {
            return Err(bad("a malformed value length"));
        }
        length = size.iter().fold(0usize, |n, &d| {
            n.saturating_mul(10).saturating_add(usize::from(d - b'0'))
        });
        if length > max_value {
            return Err(bad("a value over the store's limit"));
        }
    }
    let mut cas = None;
    let mut client_flags = 0;
    let mut ttl = None;
    if status == Status::ServerError {
        return Ok(Reply {
            status,
            length,
            cas,
            client_flags,
            ttl,
        });
    }
    // A flag's decimal number within 32 bits (client flags, TTL).
    let number = |digits: &[u8], what: &'static str| {
        if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad(what));
        }
        let n = digits
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        u32::try_from(n).map_err(|_| bad(what))
    };
    for flag in tokens {
        if flag[0] == b'f' {
            client_flags = number(&flag[1..], "malformed client flags")?;
        } else if flag[0] == b'c' {
            let start = flag.as_ptr() as usize - line.as_ptr() as usize + 1;
            let digits = &flag[1..];
            if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
                return Err(bad("a malformed CAS token"));
            }
            cas = Some((start, start + digits.len()));
        } else if flag[0] == b't' && &flag[1..] != b"-1" {
            ttl = Some(number(&flag[1..], "a malformed TTL")?);
        }
    }
    Ok(Reply {
        status,
        length,
        cas,
        client_flags,
        ttl,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_plain_or_base64_within_250_bytes() {
        let long = "é ".repeat(300);
        let line = command_line(Command::Delete, &long, 0, None, b"", 0.0).unwrap();
        let token = line[3..].split(|&b| b == b' ').next().unwrap();
        assert!(token.len() <= MAX_KEY_BYTES, "{}", token.len());
        assert!(line.ends_with(b" b\r\n"));
        let plain = "k".repeat(250);
        assert_eq!(
            command_line(Command::Delete, &plain, 0, None, b"", 0.0)
                .unwrap()
                .len(),
            3 + 250 + 2
        );
        assert!(command_line(Command::Delete, "", 0, None, b"", 0.0).is_err());
        assert_eq!(
            command_line(Command::Delete, "ü", 0, None, b"", 0.0).unwrap(),
            "md ü\r\n".as_bytes()
        );
        assert!(command_line(Command::Delete, "a\u{7f}", 0, None, b"", 0.0)
            .unwrap()
            .ends_with(b" b\r\n"));
    }

    #[test]
    fn base64_of_each_tail_length() {
        for (bytes, text) in [
            (&b"f"[..], "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
        ] {
            let mut out = Vec::new();
            base64(&mut out, bytes);
            assert_eq!(out, text.as_bytes());
        }
    }

    #[test]
    fn store_commands() {
        let add = command_line(Command::Add, "k", 5, None, b"", 0.0).unwrap();
        assert_eq!(add, b"ms k 5 ME\r\n");
        let cas = command_line(Command::CompareAndSwap, "k", 5, Some(10.0), b"77", 0.0).unwrap();
        assert_eq!(cas, b"ms k 5 C77 T10\r\n");
        assert!(command_line(Command::CompareAndSwap, "k", 5, None, b"7 x", 0.0).is_err());
        assert_eq!(
            command_line(Command::Noop, "", 0, None, b"", 0.0).unwrap(),
            b"mn\r\n"
        );
    }

    #[test]
    fn replies() {
        for (line, status) in [
            (&b"HD"[..], Status::Done),
            (b"NS", Status::NotStored),
            (b"EX", Status::Exists),
            (b"NF", Status::NotFound),
            (b"MN", Status::Noop),
        ] {
            assert_eq!(parse_reply(line, 0).unwrap().status, status);
        }
        for bad in [
            &b""[..],
            b"VA",
            b"VA x",
            b"VA -1",
            b"VA 1 c",
            b"VA 1 cx",
            b"XX",
            b"ERROR",
            b"CLIENT_ERROR bad",
        ] {
            assert!(
                parse_reply(bad, 100).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(parse_reply(b"VA 0 f1", 0).unwrap().length, 0);
    }
}
