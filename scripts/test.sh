#!/usr/bin/env bash
# Every test: formatting, lints (native and wasm32), native unit/model/doc tests, the
# boundary in headless Chromium (wasm-bindgen-test), the JS suite against the built package
# (Node, workerd via miniflare, deno), and the TypeScript consumer check.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check
step "cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --no-default-features -- -D warnings # edgecache/memory
step "cargo test"
cargo test
step "wasm-pack test --headless --chrome"
wasm-pack test --headless --chrome
step "TypeScript consumers (tsc --strict --noEmit; a Workers project without the DOM lib)"
tsc -p tests/ts/tsconfig.json
tsc -p tests/ts/workers/tsconfig.json
step "JS tests against pkg/ (node --test)"
node --test tests/js/
