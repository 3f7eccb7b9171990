"""The oracle of tests/js/sessions-differential.test.mjs: the real Django 5.2.19's
SessionMiddleware with the cache session engine over LocMemCache, driven by seeded request
sequences on a fixed clock. `python sessions_oracle.py SEED COUNT` prints, per sequence, each
request's script, the view's results, the status and the response's Set-Cookie and Vary."""

import datetime
import json
import random
import sys
import time

import django
from django.conf import settings

# `python sessions_oracle.py SEED COUNT [cached_db] [save_every_request] [expire_at_browser_close]`:
# the cache engine, or cached_db over an in-memory SQLite database; the two settings off unless named.
ENGINE = sys.argv[3] if len(sys.argv) > 3 else "cache"
settings.configure(
    SECRET_KEY="differential",
    SESSION_ENGINE="django.contrib.sessions.backends." + ENGINE,
    SESSION_COOKIE_AGE=3600,
    SESSION_SAVE_EVERY_REQUEST="save_every_request" in sys.argv[4:],
    SESSION_EXPIRE_AT_BROWSER_CLOSE="expire_at_browser_close" in sys.argv[4:],
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=["django.contrib.sessions"],
    USE_TZ=True,
)
django.setup()
if ENGINE == "cached_db":
    from django.core.management import call_command  # noqa: E402

    call_command("migrate", "sessions", verbosity=0)

from django.contrib.sessions.exceptions import SessionInterrupted  # noqa: E402
from django.contrib.sessions.middleware import SessionMiddleware  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

T0 = 1_700_000_000.6
now = [T0]
time.time = lambda: now[0]
timezone.now = lambda: datetime.datetime.fromtimestamp(now[0], datetime.timezone.utc)

NAMES = ["a", "b", "user"]
# Negative ages and past moments too: Django then creates sessions that are gone before their
# own save (a 400 from cycle_key after set_expiry(-3)), as edgecache does.
# {"at": seconds}: a moment (an aware datetime in Django, a Date in edgecache), past or future.
EXPIRIES = [None, 0, 7, 1.5, 7200, -3, {"at": T0 + 5000}, {"at": T0 + 100000.25}, {"at": T0 - 10}]


def script(rng):
    ops = []
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(["set", "set", "get", "pop", "has", "keys", "clear", "flush", "cycle", "expiry",
                           "age", "at_close", "date", "empty"])
        op = {"op": kind, "name": rng.choice(NAMES)}
        if kind == "set":
            op["value"] = rng.choice([1, "x", [1, 2], {"k": None}, ""])
        if kind == "expiry":
            op["value"] = rng.choice(EXPIRIES)
        ops.append(op)
    # Django loads a session lazily, and clear() does not load it (nor does is_empty()): a
    # script whose first load would be clear() keeps an expired session's key, which edgecache
    # (loading before the handler) drops (docs/sessions.md).
    loading = [op for op in ops if op["op"] != "empty"]
    if loading and loading[0]["op"] == "clear":
        ops.insert(0, {"op": "has", "name": "a"})
    return ops


def apply(session, op):
    kind, name = op["op"], op["name"]
    if kind == "set":
        session[name] = op["value"]
        return None
    if kind == "get":
        return session.get(name)
    if kind == "pop":
        return session.pop(name, None)
    if kind == "has":
        return name in session
    if kind == "keys":
        return sorted(k for k in session.keys() if not k.startswith("_"))
    if kind == "clear":
        return session.clear()
    if kind == "flush":
        return session.flush()
    if kind == "cycle":
        return session.cycle_key()
    if kind == "expiry":
        value = op["value"]
        if isinstance(value, dict):
            value = datetime.datetime.fromtimestamp(value["at"], datetime.timezone.utc)
        return session.set_expiry(value)
    if kind == "date":
        return session.get_expiry_date().timestamp()
    if kind == "empty":
        return session.is_empty()
    if kind == "age":
        return session.get_expiry_age()
    if kind == "at_close":
        return session.get_expire_at_browser_close()
    raise AssertionError(kind)


def sequence(rng):
    cache.clear()
    if ENGINE == "cached_db":
        from django.contrib.sessions.models import Session

        Session.objects.all().delete()
    now[0] = T0
    factory = RequestFactory()
    cookie = None
    steps = []
    for _ in range(rng.randint(2, 10)):
        now[0] += rng.choice([0, 1, 30, 3599, 4000])
        step = {"advance": now[0] - T0, "ops": script(rng), "status": rng.choice([200, 200, 200, 500]),
                "cookie": cookie is not None, "malformed": False}
        if cookie is not None and rng.random() < 0.1:
            step["malformed"] = True
        sent = "not-a-session-key!" if step["malformed"] else cookie
        request = factory.get("/", HTTP_COOKIE="sessionid=%s" % sent if sent else "")
        results = []

        def view(request):
            for op in step["ops"]:
                results.append(apply(request.session, op))
            return HttpResponse("ok", status=step["status"])

        try:
            response = SessionMiddleware(view)(request)
        except SessionInterrupted:
            # The session's data was gone when it was saved (it expired, or another request
            # deleted it): Django answers 400 and sets no cookie.
            step.update(results=results, interrupted=True, set_cookie=None, vary=None)
            steps.append(step)
            continue
        step["results"] = results
        # Whether the session ended with no data (read after the response: it changes nothing).
        step["empty"] = not getattr(request.session, "_session_cache", None)
        morsel = response.cookies.get("sessionid")
        step["set_cookie"] = morsel.OutputString() if morsel is not None else None
        step["vary"] = response.get("Vary")
        if morsel is not None:
            cookie = morsel.value or None
        steps.append(step)
    return steps


def main():
    rng = random.Random(int(sys.argv[1]))
    print(json.dumps([sequence(rng) for _ in range(int(sys.argv[2]))]))


main()
