//! Where a store key lives in a Redis Cluster: its hash slot (CRC16 of the key, or of its
//! `{hash tag}`, modulo 16,384), so the adapter can group a batch read by slot: a cluster
//! refuses MGET across slots (CROSSSLOT).

/// Number of hash slots in a Redis Cluster.
pub const SLOTS: u16 = 16_384;

/// CRC16-CCITT (XMODEM: polynomial 0x1021, initial 0), the checksum Redis Cluster uses.
fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The hash slot of `key`: of the text between the first `{` and the first `}` after it,
/// when that is not empty, else of the whole key (Redis Cluster's key distribution model).
///
/// ```
/// use edgecache::redis_slot;
/// assert_eq!(redis_slot(b"foo"), 12_182);
/// assert_eq!(redis_slot(b"{user1000}.following"), redis_slot(b"{user1000}.followers"));
/// assert_eq!(redis_slot(b"foo{}{bar}"), redis_slot(b"foo{}{bar}"));
/// assert_eq!(redis_slot(b"foo{bar}{zap}"), redis_slot(b"bar"));
/// assert_eq!(redis_slot(b"foo{{bar}}zap"), redis_slot(b"{bar"));
/// ```
pub fn redis_slot(key: &[u8]) -> u16 {
    let tagged = key.iter().position(|&b| b == b'{').and_then(|open| {
        let rest = &key[open + 1..];
        let close = rest.iter().position(|&b| b == b'}')?;
        (close > 0).then(|| &rest[..close])
    });
    crc16(tagged.unwrap_or(key)) % SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc16_check_value() {
        // The XMODEM check value, as in the Redis Cluster specification.
        assert_eq!(crc16(b"123456789"), 0x31C3);
    }

    #[test]
    fn an_empty_tag_hashes_the_whole_key() {
        assert_eq!(redis_slot(b"foo{}{bar}"), crc16(b"foo{}{bar}") % SLOTS);
        assert_eq!(redis_slot(b"{"), crc16(b"{") % SLOTS);
        assert_eq!(redis_slot(b"a{b"), crc16(b"a{b") % SLOTS);
        assert_eq!(redis_slot(b""), 0);
    }
}
