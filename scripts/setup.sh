#!/usr/bin/env bash
# Installs what a fresh machine lacks, idempotently (seconds when everything is present):
# the wasm32 target, wasm-bindgen-cli matching Cargo.lock, wasm-pack, Debian's chromium and
# chromedriver, redis-server and redis-cli (the Redis and Cluster tests), memcached, Django
# 5.2.19 with pymemcache and redis-py in .venv (the oracles), and the npm dev dependencies (binaryen's wasm-opt, miniflare/workerd, deno...).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qF "$wb_version"; then
  log "installing wasm-bindgen-cli $wb_version (about 6 minutes)"
  cargo install wasm-bindgen-cli --version "$wb_version"
fi
if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack (about 5 minutes)"
  cargo install wasm-pack
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v redis-server >/dev/null || missing+=(redis-server)
# redis-cli joins the Cluster test's nodes (Debian's redis-tools, which redis-server pulls in).
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v memcached >/dev/null || missing+=(memcached)
if ((${#missing[@]})); then
  log "installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The real Django, the oracle of tests/js/django-differential.test.mjs, in a virtual environment.
if ! .venv/bin/python -c 'import django, sys; sys.exit(django.__version__ != "5.2.19")' 2>/dev/null; then
  log "installing Django 5.2.19 into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check Django==5.2.19
fi
# The clients of Django's own cache backends (PyMemcacheCache: pymemcache; RedisCache: redis;
# django-redis), for the memcached placement and the Django interop tests. Django is named so
# pip keeps 5.2.19.
if ! .venv/bin/python -c 'import pymemcache, redis, django_redis' 2>/dev/null; then
  log "installing pymemcache 4.0.0, redis 5.2.1 and django-redis 7.0.0 into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check pymemcache==4.0.0 redis==5.2.1 django-redis==7.0.0 Django==5.2.19
fi

# npm ci only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dev dependencies"
  npm ci --no-audit --no-fund
fi
log "ready"
