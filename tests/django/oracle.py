"""The oracle of the Django differential test: drives the real Django 5.2.19 and records what it did.

`python oracle.py SEED CASES` prints JSON: for each case, the cache settings and a seeded random
sequence of operations over every LocMemCache method, with each result (or error), the warnings it
raised and the entry order after it (most recent first); then pure-function cases of django.utils.cache,
make_template_fragment_key and learn_cache_key/get_cache_key. tests/js/django-differential.test.mjs
replays them against the built package. Time is a patched time.time(), so nothing sleeps.
"""

import json
import math
import pickle
import random
import struct
import sys
import time
import warnings

import django
from django.conf import settings

import ops  # noqa: E402 - beside this file

settings.configure(
    USE_TZ=False,
    USE_I18N=False,
    ALLOWED_HOSTS=["*"],
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
django.setup()

from django.core.cache.backends.base import CacheKeyWarning  # noqa: E402
from django.core.cache.backends.locmem import LocMemCache  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.cache.utils import make_template_fragment_key  # noqa: E402
from django.middleware.cache import CacheMiddleware  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils.cache import (  # noqa: E402
    add_never_cache_headers,
    get_cache_key,
    get_max_age,
    has_vary_header,
    learn_cache_key,
    patch_cache_control,
    patch_response_headers,
    patch_vary_headers,
)

T0 = 1_700_000_000.0
now = [T0]
time.time = lambda: now[0]

KEYS = ["a", "b", "c", "d", "e", "f", "sp ace", "x" * 251, "ctl\x01", 7, "ünï"]
VALUES = [0, 1, -3, 1.5, "s", "", None, [1, 2], {"k": [1]}, "long" * 10, 10**12, True, False,
          2**63, -(2**63) - 5, "ünï€😀", {"a": {"b": [1, {"c": None}]}}, 0.1, 1e300]
# "inf" and "-inf" stand for the floats (JSON has no infinities); 1e12 is far in the future.
TIMEOUTS = ["DEFAULT", None, 0, -1, 1, 2.5, 10, 300, "inf", "-inf", 1e12, -1e12]


def key_function(key, key_prefix, version):
    return "%s|%s|%s" % (key_prefix, version, key)


def settings_for(rng):
    return {
        "TIMEOUT": rng.choice([300, None, 2.5, 1, 0, 10]),
        "MAX_ENTRIES": rng.choice([0, 1, 3, 5, 8, 300]),
        "CULL_FREQUENCY": rng.choice([0, 1, 2, 3, 4, 100]),
        "KEY_PREFIX": rng.choice(["", "p"]),
        "VERSION": rng.choice([1, 3]),
        "KEY_FUNCTION": rng.choice([None, "custom"]),
    }


def operation(rng):
    k = rng.choice(KEYS)
    v = rng.choice(VALUES)
    t = rng.choice(TIMEOUTS)
    version = rng.choice([None, None, None, 2, 0, -1, 10**15])
    kind = rng.choice(
        ["set", "set", "add", "get", "get", "get_or_set", "get_many", "set_many", "delete",
         "delete_many", "has_key", "touch", "incr", "decr", "incr_version", "decr_version",
         "advance", "advance", "clear"]
    )
    op = {"op": kind, "key": k, "value": v, "timeout": t, "version": version}
    if kind in ("get_many", "delete_many"):
        op["keys"] = rng.choices(KEYS, k=rng.randint(0, 4))  # repeats too
    if kind == "set_many":
        op["pairs"] = [[rng.choice(KEYS), rng.choice(VALUES)] for _ in range(rng.randint(0, 3))]
    if kind in ("incr", "decr", "incr_version", "decr_version"):
        op["delta"] = rng.choice([None, 1, 2, -1, 0, 10**15])
        if kind in ("incr", "decr") and rng.random() < 0.3:
            # Fractional deltas only here: a version is an integer (INVALID_DELTA, documented).
            op["delta"] = rng.choice([1.5, -0.5])
    if kind == "advance":
        op["seconds"] = rng.choice([0.5, 1, 2.5, 9, 301])
    if kind == "get":
        op["default"] = rng.choice([None, "dflt"])
    if kind == "get_or_set":
        op["callable"] = rng.random() < 0.5
    return op


def run(cache, op):
    if op["op"] == "advance":
        now[0] += op["seconds"]
        return None
    return ops.apply(cache, op)


def cache_case(rng, n):
    s = settings_for(rng)
    params = {
        "TIMEOUT": s["TIMEOUT"],
        "OPTIONS": {"MAX_ENTRIES": s["MAX_ENTRIES"], "CULL_FREQUENCY": s["CULL_FREQUENCY"]},
        "KEY_PREFIX": s["KEY_PREFIX"],
        "VERSION": s["VERSION"],
    }
    if s["KEY_FUNCTION"]:
        params["KEY_FUNCTION"] = key_function
    now[0] = T0
    cache = LocMemCache("differential-%d" % n, params)
    cache.clear()
    steps = []
    for _ in range(rng.randint(5, 40)):
        op = operation(rng)
        if op["op"] in ("incr", "decr") and isinstance(op.get("delta"), float):
            held = cache._cache.get(cache.make_key(op["key"], version=op["version"]))
            if held is not None and type(pickle.loads(held)) is int and abs(pickle.loads(held)) > 2**53:
                # A bigint plus a fraction is a float in Python, INVALID_DELTA in edgecache
                # (JS does not mix them: docs/django.md): an integral delta instead.
                op["delta"] = 1
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                op["result"] = run(cache, op)
            except (ValueError, TypeError) as e:
                op["error"] = type(e).__name__
                op["message"] = str(e)
        op["warnings"] = [str(w.message) for w in seen if issubclass(w.category, CacheKeyWarning)]
        op["order"] = list(cache._cache.keys())
        steps.append(op)
    return {"settings": s, "steps": steps}


def helper_cases(rng):
    out = []
    directives = [
        {"max_age": 60}, {"max_age": 2.5}, {"public": True}, {"private": True}, {"no_cache": True},
        {"no_cache": "Set-Cookie"}, {"s_maxage": 10}, {"must_revalidate": True}, {"max_age": 0},
        {"no_store": True}, {"stale_while_revalidate": 30},
    ]
    existing = [None, "", "max-age=100", "max-age=1", "public, max-age=10", "private",
                "no-cache=Set-Cookie", "must-revalidate, max-age=5", "no-store",
                "max-age=abc", "MAX-AGE=7", "max-age=1.5, public", "max-age", "max-age=+3", "Public,PRIVATE",
                "max-age=5, max-age=9", 'no-cache="a", no-cache="b"', "s-maxage=10,max-age=2"]
    for _ in range(150):
        before = rng.choice(existing)
        kwargs = {}
        for d in rng.sample(directives, rng.randint(1, 3)):
            kwargs.update(d)
        response = HttpResponse()
        if before is not None:
            response["Cache-Control"] = before
        try:
            patch_cache_control(response, **kwargs)
        except ValueError:
            out.append({"kind": "patch_cache_control", "before": before, "directives": kwargs, "error": "ValueError"})
            continue
        out.append({"kind": "patch_cache_control", "before": before, "directives": kwargs,
                    "after": response["Cache-Control"], "max_age": get_max_age(response)})
    vary_on = [[], ["a"], [1, 2.5, None], ["x y", "ü"], [True, False], [[1, "a"]], ["", ""]]
    # Floats as Python prints them (str() = shortest repr): the borders of the fixed and
    # scientific forms, the extremes, and random bit patterns. A whole float within 2^53 is left
    # out: in JS it is an integer, printed as Python prints an int.
    floats = [0.1, 0.1 + 0.2, 1e-4, 1e-5, 0.00012345, 1e15 + 0.5, 1e16, 1.5e16, 123456789012345.6,
              1e21, 1.5e21, 1e22, 2.0 ** 53 + 2, 5e-324, 2.2250738585072014e-308,
              1.7976931348623157e308, -2.5e-10, 9007199254740993.0]
    while len(floats) < 400:
        x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(x) and not (x.is_integer() and abs(x) < 2.0 ** 53):
            floats.append(x)
    vary_on += [floats[i:i + 8] for i in range(0, len(floats), 8)]
    for v in vary_on:
        out.append({"kind": "fragment_key", "name": "frag", "vary_on": v,
                    "key": make_template_fragment_key("frag", v)})
    # patch_vary_headers / has_vary_header on odd Vary values; patch_response_headers and
    # add_never_cache_headers over existing Cache-Control and Expires, at a fixed time.
    # (No outer whitespace: fetch Headers trim it on the way in, docs/http.md.)
    vary_before = [None, "", "Accept-Encoding", "accept-encoding, Cookie", "*", "A,,B", "a , b", "Cookie, *"]
    vary_new = [["Cookie"], ["accept-encoding"], ["*"], ["Cookie", "cookie"], [], ["X-A", "x-b", "X-A"]]
    for before in vary_before:
        for names in vary_new:
            response = HttpResponse()
            if before is not None:
                response["Vary"] = before
            patch_vary_headers(response, names)
            out.append({"kind": "patch_vary_headers", "before": before, "names": names,
                        "after": response["Vary"] if response.has_header("Vary") else None})
        for name in ["Cookie", "cookie", "Accept-Encoding", "*", "a", "B"]:
            response = HttpResponse()
            if before is not None:
                response["Vary"] = before
            out.append({"kind": "has_vary_header", "before": before, "name": name,
                        "result": has_vary_header(response, name)})
    now[0] = T0
    for cc in [None, "", "private", "max-age=5", "public, max-age=100", "no-cache"]:
        for expires in [None, "Wed, 21 Oct 2015 07:28:00 GMT"]:
            for timeout in [None, 0, 5, -5, 2.5, 86400 * 365, "never"]:
                response = HttpResponse()
                if cc is not None:
                    response["Cache-Control"] = cc
                if expires is not None:
                    response["Expires"] = expires
                if timeout == "never":
                    add_never_cache_headers(response)
                elif timeout is None:
                    patch_response_headers(response)
                else:
                    patch_response_headers(response, timeout)
                out.append({"kind": "response_headers", "cache_control": cc, "expires": expires, "timeout": timeout,
                            "after": {h: response[h] for h in ["Cache-Control", "Expires"] if response.has_header(h)}})
    factory = RequestFactory()
    urls = ["/p", "/p?", "/p?b=2&a=1", "/ü/x", "/q?x=%20"]
    varies = [None, "", "Cookie", "Accept-Encoding, Accept-Language", "Cookie, X-Missing", "*"]
    headers = [{}, {"HTTP_ACCEPT_ENCODING": "gzip"}, {"HTTP_COOKIE": "a=1", "HTTP_ACCEPT_LANGUAGE": ""}]
    cache = LocMemCache("differential-keys", {})
    for url in urls:
        for vary in varies:
            meta = rng.choice(headers)
            request = factory.get(url, **meta)
            response = HttpResponse()
            if vary is not None:
                response["Vary"] = vary
            learned = learn_cache_key(request, response, cache=cache, key_prefix="pfx")
            again = get_cache_key(request, key_prefix="pfx", cache=cache)
            out.append({"kind": "learn_cache_key", "url": "http://testserver" + url,
                        # What the request really carries (RequestFactory adds HTTP_COOKIE: "").
                        "headers": {k[5:].replace("_", "-").lower(): v for k, v in request.META.items() if k.startswith("HTTP_")},
                        "vary": vary, "key": learned, "again": again})
    return out


MW_PATHS = ["/a", "/a", "/a", "/a?x=1", "/b", "/b?", "/c?q=%20"]
MW_HEADERS = [{}, {}, {}, {"HTTP_ACCEPT_ENCODING": "gzip"}, {"HTTP_ACCEPT_ENCODING": "gzip"}, {"HTTP_ACCEPT_ENCODING": "br"},
              {"HTTP_ACCEPT_LANGUAGE": "fr"}, {"HTTP_ACCEPT_ENCODING": "gzip", "HTTP_ACCEPT_LANGUAGE": "de"}]
MW_CACHE_CONTROL = [None, None, None, None, "max-age=2", "max-age=60", "max-age=0", "private", "no-cache", "no-store",
                    "public, max-age=30", "s-maxage=10",
                    "MAX-AGE=3", "max-age=1.5", "max-age=-5", "max-age=abc", "max-age=", "max-age=10, max-age=20",
                    "Private", 'no-cache="Set-Cookie"', 'private="X-Thing"', "public,max-age=7", ",", "max-age=4 ,public", "max-age = 4",
                    "max-age=99999999999", "no-store=1", "max-age=+3", "max-age=0x10", "max-age=1e2"]
MW_VARY = [None, None, "Accept-Encoding", "Accept-Language", "Accept-Encoding, Accept-Language", "*",
           "accept-encoding", "ACCEPT-LANGUAGE", "Accept-Encoding ,", "Accept-Encoding,*", "Accept-Encoding, accept-encoding",
           ",", "Cookie"]
SEEN = ["Cache-Control", "Expires", "Vary", "Age"]


def middleware_case(rng, n):
    """A CacheMiddleware request sequence: requests, each answered by a view whose response
    the step describes, with time passing between them."""
    cache = caches["default"]
    cache.clear()
    now[0] = T0
    s = {"cache_timeout": rng.choice([None, 0, 5, 600]), "page_timeout": rng.choice([None, None, 3, 0]),
         "key_prefix": rng.choice(["", "mw"])}
    state = {"calls": 0, "spec": None}

    def view(request):
        state["calls"] += 1
        spec = state["spec"]
        response = HttpResponse("%s #%d" % (request.get_full_path(), state["calls"]), status=spec["status"])
        if spec["cache_control"] is not None:
            response["Cache-Control"] = spec["cache_control"]
        if spec["vary"] is not None:
            response["Vary"] = spec["vary"]
        return response

    kwargs = {"page_timeout": s["page_timeout"], "key_prefix": s["key_prefix"]}
    if s["cache_timeout"] is not None:
        kwargs["cache_timeout"] = s["cache_timeout"]
    middleware = CacheMiddleware(view, **kwargs)
    factory = RequestFactory()
    steps = []
    for _ in range(rng.randint(3, 15)):
        step = {
            "advance": rng.choice([0, 0, 0, 1, 2.5, 4, 31]),
            "method": rng.choice(["GET", "GET", "GET", "HEAD", "POST"]),
            "path": rng.choice(MW_PATHS),
            "headers": rng.choice(MW_HEADERS),
            "response": {"status": rng.choice([200, 200, 200, 404, 301, 500, 203]),
                         "cache_control": rng.choice(MW_CACHE_CONTROL), "vary": rng.choice(MW_VARY)},
        }
        now[0] += step["advance"]
        state["spec"] = step["response"]
        request = getattr(factory, step["method"].lower())(step["path"], **step["headers"])
        before = state["calls"]
        try:
            response = middleware(request)
        except (ValueError, OverflowError, OSError) as error:
            # Django fails the request (a 500); what it stored before failing stays.
            step["called"] = state["calls"] > before
            step["error"] = type(error).__name__
            step["headers"] = {k[5:].replace("_", "-").lower(): v for k, v in request.META.items() if k.startswith("HTTP_") and k != "HTTP_COOKIE"}
            steps.append(step)
            continue
        step["called"] = state["calls"] > before
        step["status"] = response.status_code
        step["body"] = response.content.decode()
        step["seen"] = {h: response[h] for h in SEEN if response.has_header(h)}
        step["headers"] = {k[5:].replace("_", "-").lower(): v for k, v in request.META.items() if k.startswith("HTTP_") and k != "HTTP_COOKIE"}
        steps.append(step)
    return {"settings": s, "steps": steps}


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    cases = [cache_case(rng, n) for n in range(count)]
    middleware = [middleware_case(rng, n) for n in range(max(1, count // 4))]
    json.dump(ops.tagged({"django": django.get_version(), "cases": cases, "helpers": helper_cases(rng),
                          "middleware": middleware}), sys.stdout)


main()
