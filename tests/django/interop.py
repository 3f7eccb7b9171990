"""The Django side of tests/js/django-interop.test.mjs: the real Django 5.2.19 with its own
RedisCache and PyMemcacheCache over the servers the test started.

`python interop.py REDIS_URL MEMCACHED_ADDRESS` reads a JSON list of commands on stdin and
prints one JSON result per command:
  {"op": "fixtures", "alias": A}            sets every FIXTURES value under its name
  {"op": "get", "alias": A, "keys": [...], "version": V?}   -> {key: {"repr", "type"} | null}
  {"op": "set", "alias": A, "key": K, "value": JSON, "timeout": T?}
  {"op": "incr", "alias": A, "key": K, "delta": D}           -> the new value
  {"op": "incr_version", "alias": A, "key": K}               -> the new version
  {"op": "ttl", "alias": A, "key": K}                         -> Redis's TTL of the made key
  {"op": "clear", "alias": A}
  {"op": "sequences", "alias": A, "seed": S, "count": N, "skip": [op, ...]?}      -> N seeded op sequences on a cleared
      cache, each step with its result (or error) and then every stored key with its TTL
"""

import datetime
import decimal
import json
import os
import random
import socket
import sys

import django
from django.conf import settings

import ops  # noqa: E402 - beside this file

settings.configure(
    USE_TZ=True,
    # Sessions in the Redis cache (for the session-sharing test).
    SESSION_ENGINE="django.contrib.sessions.backends.cache",
    SESSION_CACHE_ALIAS="redis",
    CACHES={
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": sys.argv[1]},
        "memcached": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": sys.argv[2]},
        # django-redis with its JSON serializer (format "django-json"), under its own prefix.
        "redis_json": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": sys.argv[1],
            "KEY_PREFIX": "json",
            "OPTIONS": {"SERIALIZER": "django_redis.serializers.json.JSONSerializer"},
        },
    },
)
django.setup()

from django.contrib.sessions.backends.cache import SessionStore  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402

FIXTURES = {
    "int": 42,
    "negative": -5,
    "big": 2**70,
    "float": 1.5,
    "bool": True,
    "none": None,
    "str": "héllo wörld",
    "list": [1, "a", None, True, 2.5],
    "dict": {"a": 1, "b": [1.5, {"c": None}], "d": "é"},
    "intkeys": {1: "x", 2: "y"},
    "set": {1, 2, 3},
    "frozenset": frozenset(["a"]),
    "tuple": (1, "two"),
    "bytes": b"\x00\xffbin",
    "bytearray": bytearray(b"ab"),
    "aware": datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=datetime.timezone.utc),
    "offset": datetime.datetime(2024, 5, 6, 9, 8, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    "naive": datetime.datetime(2024, 5, 6, 7, 8, 9),
    "date": datetime.date(2024, 5, 6),
    "decimal": decimal.Decimal("1.50"),
    "safe": mark_safe("<b>fragment</b>"),
    "nested": {"user": {"id": 7, "name": "Ada", "roles": ["admin", "dev"], "score": 97.5}},
    # A pickle naming os.system: Django writes it; a reader must never call it.
    "evil": os.system,
}


JSON_FIXTURES = {
    "int": 42,
    "big": 2**70,
    "float": 1e-07,
    "bool": False,
    "none": None,
    "str": "héllo \U0001f600",
    "list": [1, "a", None, True, 2.5],
    "dict": {"a": 1, "b": [1.5, {"c": None}]},
    "aware": datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=datetime.timezone.utc),
    "decimal": decimal.Decimal("1.50"),
}


def describe(value):
    return None if value is None else {"repr": repr(value), "type": type(value).__name__}


# Plain keys, a non-ASCII one (Django's pymemcache client sends UTF-8 keys as they are), one
# with colons, and a long one (within memcached's 250 bytes with the ":1:" prefix).
SEQ_KEYS = ["a", "b", "c", "d", "e", "ünï€", "x:y:1", "k" * 200]
SEQ_VALUES = [0, 1, -3, 1.5, "s", "", None, [1, 2], {"k": [1]}, True, False, 10**12, "long" * 10,
              2**63 - 1, 2**63, -2**63, 2**64 + 1, "ünï€😀", {"a": {"b": [1, {"c": None}]}}, 0.1, 1e300]
# Fractional timeouts Django truncates (0.5: gone at once, 20.5: 20 s); none short enough
# to lapse during a sequence (a 1-second TTL would, by the servers' clocks: flaky).
SEQ_TIMEOUTS = ["DEFAULT", None, 0, -1, 0.5, 20.5, 10, 300, 31 * 86400, 10**9]


def sequence_op(rng, skip=()):
    kinds = ["set", "set", "add", "get", "get", "get_or_set", "get_many", "set_many", "delete",
             "delete_many", "has_key", "touch", "incr", "decr", "incr_version", "decr_version"]
    kind = rng.choice([k for k in kinds if k not in skip])
    op = {"op": kind, "key": rng.choice(SEQ_KEYS), "value": rng.choice(SEQ_VALUES),
          "timeout": rng.choice(SEQ_TIMEOUTS), "version": rng.choice([None, None, 2]),
          "default": rng.choice([None, "dflt"]), "delta": rng.choice([None, 1, 5, -2, 0, 2**62, -(2**62)])}
    if kind in ("incr_version", "decr_version") and abs(op["delta"] or 0) > 2**53:
        # Versions are JS numbers: past 2^53 - 1 edgecache refuses them (INVALID_VERSION,
        # a documented divergence), where Django moves the key on.
        op["delta"] = 1
    if kind == "get_or_set":
        op["callable"] = rng.random() < 0.5
    if kind in ("get_many", "delete_many"):
        op["keys"] = rng.choices(SEQ_KEYS, k=rng.randint(0, 4))
    if kind == "set_many":
        op["pairs"] = [[rng.choice(SEQ_KEYS), rng.choice(SEQ_VALUES)] for _ in range(rng.randint(0, 3))]
    return op


def memcached_ttls(keys):
    """[key, TTL left] of each of `keys` memcached holds (-1: never expires), by meta commands
    (pymemcache has no TTL read)."""
    host, port = sys.argv[2].rsplit(":", 1)
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(b"".join(b"mg %s t\r\n" % k.encode() for k in keys) + b"mn\r\n")
        data = b""
        while not data.endswith(b"MN\r\n"):
            data += conn.recv(65536)
    out = []
    for key, line in zip(keys, data.decode().split("\r\n")):
        if line.startswith("HD"):
            out.append([key, int(line.split(" t", 1)[1].split()[0])])
    return out


def sequences(alias, seed, count, skip=()):
    cache = caches[alias]
    client = cache._cache.get_client(write=True) if alias == "redis" else None
    # The made keys a sequence can touch (versions 1 and 2), for memcached's TTL reads.
    made = [":%d:%s" % (v, k) for v in (1, 2) for k in SEQ_KEYS]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        cache.clear()
        steps = []
        for _ in range(rng.randint(3, 25)):
            op = sequence_op(rng, skip)
            if alias == "redis_json" and op["timeout"] == 0.5:
                # django-redis keeps milliseconds: half a second could lapse mid-sequence.
                op["timeout"] = 20.5
            try:
                op["result"] = ops.apply(cache, op)
            except Exception as error:  # noqa: BLE001 - the error's type is the result
                op["error"] = type(error).__name__
                op["message"] = str(error)
            # Every stored key and whether it expires (TTL -1: never; else seconds left).
            if client is not None:
                op["stored"] = sorted([key.decode(), client.ttl(key)] for key in client.keys("*"))
            elif alias == "memcached":
                op["stored"] = memcached_ttls(made)
            steps.append(op)
        out.append(steps)
    return out


def run(command):
    cache = caches[command["alias"]]
    op = command["op"]
    if op == "fixtures":
        fixtures = JSON_FIXTURES if command["alias"] == "redis_json" else FIXTURES
        for key, value in fixtures.items():
            cache.set(key, value, timeout=600)
        return len(fixtures)
    if op == "get":
        sentinel = object()
        out = {}
        for key in command["keys"]:
            value = cache.get(key, sentinel, version=command.get("version"))
            out[key] = None if value is sentinel else describe(value)
        return out
    if op == "set":
        cache.set(command["key"], command["value"], timeout=command.get("timeout", 300))
        return True
    if op == "incr":
        return cache.incr(command["key"], command["delta"])
    if op == "incr_version":
        return cache.incr_version(command["key"])
    if op == "ttl":
        return cache._cache.get_client(write=True).ttl(cache.make_key(command["key"]))
    if op == "clear":
        cache.clear()
        return True
    if op == "session_load":
        store = SessionStore(session_key=command["key"])
        return {"data": dict(store.load()), "key": store.session_key}
    if op == "session_create":
        store = SessionStore()
        store.update(command["data"])
        store.save()
        return store.session_key
    if op == "sequences":
        return sequences(command["alias"], command["seed"], command["count"], command.get("skip", ()))
    raise ValueError(op)


print(json.dumps(ops.tagged([run(c) for c in ops.untagged(json.loads(sys.stdin.read()))])))
