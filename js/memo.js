// A bounded memo for the per-request hot paths (md5 keys, header names, parsed pages): a
// plain Map emptied when full. Cheaper than an LRU per lookup, and a hot value is back after
// one recomputation.

/** `memo`'s value for `key`, else `make()` remembered (an undefined result is not). */
export function remembered(memo, key, make, limit) {
  let value = memo.get(key);
  if (value === undefined) {
    value = make();
    if (value === undefined) return undefined;
    if (memo.size >= limit) memo.clear();
    memo.set(key, value);
  }
  return value;
}
