//! Every decoder of untrusted bytes, fuzzed: record, value, entry header, cookie, date,
//! memcached reply, pickle and JSON decoders take arbitrary (and nearly valid) input and must return a value or a coded
//! error, never panic. `make test` runs 2,000 cases per property; a longer run:
//! `PROPTEST_CASES=200000 cargo test --release --test decoders`.
#![cfg(not(target_arch = "wasm32"))]

use edgecache::codec::{self, Token, Value};
use edgecache::http::{cookie_value, parse_http_date};
use edgecache::interop::json::{json_to_value, Floats};
use edgecache::interop::{pickle_to_value, value_to_pickle};
use edgecache::persist::{self, StoreLimits};
use edgecache::protocol::memcached::{command_line, parse_reply, Command, Status};
use edgecache::record::{self, Record, FORMAT, MAGIC};
use edgecache::{hash_key, meta, Error};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    ProptestConfig::with_cases(cases)
}

fn is_coded(e: &Error) -> bool {
    !e.code().is_empty()
}

/// Reads a structured value's tokens to the end, as the JS decoder does.
fn walk(bytes: &[u8]) -> Result<(), Error> {
    let Value::Structured(mut d) = codec::decode(bytes)? else {
        return Ok(());
    };
    let mut pending = 1usize;
    while pending > 0 {
        pending -= 1;
        pending += d.next_token()?.children();
    }
    Ok(())
}

/// A record of the current format with `body` as everything between the header and the
/// checksum, sealed with a valid checksum for `key`: reaches the body parser.
fn sealed(body: &[u8], key: &str) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.push(FORMAT);
    out.extend_from_slice(body);
    let sum = hash_key(&out, record::key_seed(key));
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn value_decoder_takes_any_bytes(tag in 0u8..6, rest in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = vec![tag];
        bytes.extend_from_slice(&rest);
        let validated = codec::validate(&bytes);
        if let Err(e) = &validated {
            prop_assert!(is_coded(e));
        }
        // A value validate accepts reads to its end.
        if validated.is_ok() {
            prop_assert!(walk(&bytes).is_ok());
        }
    }

    #[test]
    fn record_decoder_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), key in ".{0,20}") {
        if let Err(e) = record::decode(&bytes, &key) {
            prop_assert_eq!(e.code(), "CORRUPT_VALUE");
        }
    }

    #[test]
    fn record_body_parser_takes_any_checksummed_bytes(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let bytes = sealed(&body, ":1:k");
        match record::decode(&bytes, ":1:k") {
            Ok(r) => {
                // Whatever decodes opens to a valid value or a coded error.
                let limits = StoreLimits::default();
                match persist::open(":1:k", &r, &limits) {
                    Ok(persist::Opened::Value(v)) => prop_assert!(codec::validate(&v).is_ok()),
                    Ok(persist::Opened::Chunks(keys)) => {
                        let chunks: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
                        if let Err(e) = persist::assemble(&r, &chunks) {
                            prop_assert!(is_coded(&e));
                        }
                    }
                    Err(e) => prop_assert!(is_coded(&e)),
                }
            }
            Err(e) => prop_assert_eq!(e.code(), "CORRUPT_VALUE"),
        }
        // Under any other key the same bytes never decode.
        prop_assert!(record::decode(&bytes, ":2:k").is_err());
    }

    #[test]
    fn mutated_records_never_decode_to_another_value(value in ".{0,40}", flip in 0usize..400, bit in 0u8..8) {
        let r = Record::new(codec::encode_string(&value), 1.0, 2.0);
        let mut bytes = record::encode(&r, ":1:k");
        let i = flip % bytes.len();
        bytes[i] ^= 1 << bit;
        if let Ok(decoded) = record::decode(&bytes, ":1:k") {
            prop_assert_eq!(decoded, r);
        }
    }

    #[test]
    fn entry_header_parser_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let _ = meta::parse(&bytes);
        let _ = meta::payload(&bytes);
        let _ = meta::is_stale(&bytes, 5.0);
    }

    #[test]
    fn cookie_and_date_parsers_take_any_text(header in "\\PC{0,80}", name in "[a-z]{0,8}", date in "\\PC{0,40}") {
        let _ = cookie_value(&header, &name);
        let _ = parse_http_date(&date);
    }

    #[test]
    fn memcached_reply_parser_takes_any_line(bytes in proptest::collection::vec(any::<u8>(), 0..120), max in 0usize..2_000) {
        match parse_reply(&bytes, max) {
            Ok(r) => {
                prop_assert!(r.length <= max);
                if let Some((start, end)) = r.cas {
                    prop_assert!(start < end && end <= bytes.len());
                    prop_assert!(bytes[start..end].iter().all(u8::is_ascii_digit));
                }
            }
            Err(e) => prop_assert!(is_coded(&e)),
        }
    }

    #[test]
    fn memcached_nearly_valid_replies(code in prop::sample::select(vec!["VA", "HD", "EN", "NS", "EX", "NF", "MN", "OK", "SERVER_ERROR", "CLIENT_ERROR"]), len in "[0-9x-]{0,14}", flags in "( [a-zA-Z][0-9a-z]{0,22}){0,4}") {
        let line = format!("{code} {len}{flags}");
        if let Ok(r) = parse_reply(line.as_bytes(), 1 << 20) {
            if r.status == Status::Value {
                // A value's length is exactly the digits given.
                prop_assert!(len.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(len.parse::<usize>().ok(), Some(r.length));
            }
        }
    }

    #[test]
    fn memcached_commands_are_one_line_with_a_short_key(key in "\\PC{1,300}", length in 0usize..10_000, ttl in prop::option::of(0f64..1e9)) {
        let line = command_line(Command::Set, &key, length, ttl, b"", 1_700_000_000.0).unwrap();
        prop_assert!(line.ends_with(b"\r\n"));
        prop_assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
        let token = line[3..].split(|&b| b == b' ').next().unwrap();
        prop_assert!(!token.is_empty() && token.len() <= 250);
        prop_assert!(token.iter().all(|&b| b > 0x20 && b != 0x7f));
    }

    #[test]
    fn pickle_reader_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Err(e) = pickle_to_value(&bytes) {
            prop_assert!(is_coded(&e));
        }
    }

    #[test]
    fn pickle_reader_takes_nearly_valid_pickles(ops in proptest::collection::vec(prop::sample::select(vec![
        &b"N"[..], b"\x88", b"K\x01", b"J\xff\xff\xff\xff", b"\x8a\x02\x00\x80", b"G?\xf8\x00\x00\x00\x00\x00\x00",
        b"\x8c\x01a", b"C\x01z", b"]", b")", b"}", b"\x8f", b"(", b"a", b"e", b"s", b"u", b"\x90", b"\x91", b"t",
        b"\x85", b"\x86", b"\x87", b"\x94", b"h\x00", b"h\x05", b"R", b"\x81", b"b", b"\x93",
        b"\x8c\x08datetime\x8c\x08datetime\x93", b"\x8c\x05posix\x8c\x06system\x93", b"C\x0a\x07\xe8\x05\x06\x07\x08\x09\x00\x00\x00",
    ]), 0..40)) {
        let mut bytes = b"\x80\x04".to_vec();
        for op in ops {
            bytes.extend_from_slice(op);
        }
        bytes.push(b'.');
        if let Err(e) = pickle_to_value(&bytes) {
            prop_assert!(is_coded(&e));
        }
    }

    #[test]
    fn pickles_we_write_read_back_the_same(value in "\\PC{0,30}", n in any::<i64>(), x in any::<f64>()) {
        let mut e = codec::Encoder::new();
        e.array(3);
        e.string(&value);
        e.bigint(&edgecache::bigint::from_i64(n));
        e.number(x);
        let bytes = e.finish();
        let back = pickle_to_value(&value_to_pickle(&bytes).unwrap()).unwrap();
        // A bigint that fits a JS number reads back as a number, and a number that is a safe
        // integer goes as a Python int: compare what the values mean.
        let (Value::Structured(mut a), Value::Structured(mut b)) = (codec::decode(&bytes).unwrap(), codec::decode(&back).unwrap()) else { unreachable!() };
        for _ in 0..4 {
            let (ta, tb) = (a.next_token().unwrap(), b.next_token().unwrap());
            match (ta, tb) {
                (Token::Number(p), Token::Number(q)) => prop_assert!(p == q || (p.is_nan() && q.is_nan())),
                (Token::BigInt(p), Token::Number(q)) => prop_assert_eq!(edgecache::bigint::to_i128(p).unwrap() as f64, q),
                (p, q) => prop_assert_eq!(p, q),
            }
        }
    }

    #[test]
    fn json_reader_takes_any_text(text in "[\\[\\]{}\":,0-9eE.+\\-a-zA-Z\\\\ ]{0,60}", bytes in proptest::collection::vec(any::<u8>(), 0..60)) {
        for input in [text.as_bytes(), &bytes[..]] {
            if let Err(e) = json_to_value(input, Floats::RUST) {
                prop_assert!(is_coded(&e));
            }
        }
    }
}
