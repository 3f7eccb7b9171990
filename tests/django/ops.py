"""One step of a seeded op sequence on a Django cache (shared by oracle.py and interop.py):
`op` as the sequences write it, `{"op", "key", "value", "timeout", "version", ...}`."""


def apply(cache, op):
    """Runs `op` on `cache` and returns Django's result (get_many as a list of pairs)."""
    kw = {} if op["version"] is None else {"version": op["version"]}
    t = op["timeout"]
    tkw = {} if t == "DEFAULT" else {"timeout": float(t) if t in ("inf", "-inf") else t}
    k, v, kind = op["key"], op["value"], op["op"]
    delta = {} if op.get("delta") is None else {"delta": op["delta"]}
    if kind == "set":
        return cache.set(k, v, **tkw, **kw)
    if kind == "add":
        return cache.add(k, v, **tkw, **kw)
    if kind == "get":
        return cache.get(k, op["default"], **kw)
    if kind == "get_or_set":
        # A callable default is called only on a miss, as Django's get_or_set does.
        return cache.get_or_set(k, (lambda: v) if op.get("callable") else v, **tkw, **kw)
    if kind == "get_many":
        return [[key, value] for key, value in cache.get_many(op["keys"], **kw).items()]
    if kind == "set_many":
        return cache.set_many(dict((a, b) for a, b in op["pairs"]), **tkw, **kw)
    if kind == "delete":
        return cache.delete(k, **kw)
    if kind == "delete_many":
        return cache.delete_many(op["keys"], **kw)
    if kind == "has_key":
        return cache.has_key(k, **kw)
    if kind == "touch":
        return cache.touch(k, **tkw, **kw)
    if kind in ("incr", "decr", "incr_version", "decr_version"):
        return getattr(cache, kind)(k, **delta, **kw)
    if kind == "clear":
        return cache.clear()
    raise AssertionError(kind)


def tagged(value):
    """`value` for JSON with the ints JavaScript's numbers cannot hold as {"$int": "digits"}
    (the test reads them back as BigInts)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) > 2**53 - 1:
        return {"$int": str(value)}
    if isinstance(value, dict):
        return {k: tagged(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tagged(v) for v in value]
    return value


def untagged(value):
    """The inverse of `tagged`, for commands read from the test."""
    if isinstance(value, dict):
        if list(value) == ["$int"]:
            return int(value["$int"])
        return {k: untagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [untagged(v) for v in value]
    return value
