//! The memcached adapter's protocol calls (js/stores/memcached.js): command lines, reply
//! lines and server choice, numbers in and out.

use super::errors::IntoJs;
use crate::protocol::memcached::{command_line_with_flags, parse_reply, Command, Status};
use crate::protocol::rendezvous::server_for;
use std::cell::Cell;
use wasm_bindgen::prelude::*;

const COMMANDS: [Command; 9] = [
    Command::Get,
    Command::GetCas,
    Command::Set,
    Command::Add,
    Command::CompareAndSwap,
    Command::Delete,
    Command::Noop,
    Command::FlushAll,
    Command::Ttl,
];

/// The command line of command `op` (an index of COMMANDS) on `key`; `ttl` in seconds (NaN:
/// forever), `now` the Unix time in milliseconds, `flags` the item's client flags.
#[wasm_bindgen(js_name = __mcCommand, skip_typescript)]
pub fn mc_command(
    op: u8,
    key: &str,
    length: u32,
    ttl: f64,
    cas: &[u8],
    now: f64,
    flags: u32,
) -> Result<Vec<u8>, JsValue> {
    let command = *COMMANDS
        .get(usize::from(op))
        .ok_or_else(|| JsValue::from_str("unknown memcached command"))?;
    let ttl = (!ttl.is_nan()).then_some(ttl);
    command_line_with_flags(command, key, length as usize, ttl, cas, now / 1000.0, flags).js()
}

/// A whole storage command: the command line of `op` for `data`, then `data` and CRLF, in one
/// buffer (one Uint8Array for JS to write, not a line joined to the data there).
#[wasm_bindgen(js_name = __mcStore, skip_typescript)]
pub fn mc_store(
    op: u8,
    key: &str,
    data: &[u8],
    ttl: f64,
    cas: &[u8],
    now: f64,
    flags: u32,
) -> Result<Vec<u8>, JsValue> {
    let length = u32::try_from(data.len()).map_err(|_| JsValue::from_str("value too long"))?;
    let mut out = mc_command(op, key, length, ttl, cas, now, flags)?;
    out.reserve_exact(data.len() + 2);
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

thread_local! {
    /// `[casStart, casEnd, flags, ttl + 1 (0: none)]` of the last reply `__mcReply` parsed,
    /// for `__mcReplyField`.
    static LAST_REPLY: Cell<[u32; 4]> = const { Cell::new([0; 4]) };
}

/// A reply line as one number, `length * 64 + hasTtl * 32 + hasCas * 16 + status` (status: 0 value, 1 done,
/// 2 not stored, 3 exists, 4 not found, 5 miss, 6 no-op, 7 OK, 8 server error), or a coded
/// error. Its CAS token's place and its client flags are then `__mcReplyField(0 | 1 | 2)`: a
/// number, not an array, crosses back for every reply (most need neither).
#[wasm_bindgen(js_name = __mcReply, skip_typescript)]
pub fn mc_reply(line: &[u8], max_value: u32) -> Result<f64, JsValue> {
    let reply = parse_reply(line, max_value as usize).js()?;
    let status: u8 = match reply.status {
        Status::Value => 0,
        Status::Done => 1,
        Status::NotStored => 2,
        Status::Exists => 3,
        Status::NotFound => 4,
        Status::Miss => 5,
        Status::Noop => 6,
        Status::Ok => 7,
        _ => 8,
    };
    let (start, end) = reply.cas.unwrap_or((0, 0));
    let ttl = reply.ttl.map_or(0, |t| t.saturating_add(1));
    LAST_REPLY.set([start as u32, end as u32, reply.client_flags, ttl]);
    let has_cas = u8::from(end > start);
    let has_ttl = u8::from(ttl > 0);
    // A length is at most max_value (a u32): the sum is exact in an f64.
    Ok(f64::from(reply.length as u32) * 64.0 + f64::from(has_ttl * 32 + has_cas * 16 + status))
}

/// Field `i` of the last reply `__mcReply` parsed: 0 the CAS token's start, 1 its end, 2 the
/// client flags, 3 its TTL left plus one (0: unlimited or not asked).
#[wasm_bindgen(js_name = __mcReplyField, skip_typescript)]
pub fn mc_reply_field(i: u32) -> u32 {
    LAST_REPLY.get().get(i as usize).copied().unwrap_or(0)
}

/// For each key, the index in `servers` of the server that holds it (rendezvous hashing as
/// pymemcache does it); u32::MAX when there is no server.
#[wasm_bindgen(js_name = __mcServers, skip_typescript)]
pub fn mc_servers(keys: Vec<String>, servers: Vec<String>) -> Vec<u32> {
    keys.iter()
        .map(|k| server_for(k, &servers).map_or(u32::MAX, |i| i as u32))
        .collect()
}
