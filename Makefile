# The two commands of the README: `make demo` and `make test`. Both set up what is missing.
.PHONY: setup build test demo bench

setup:
	bash scripts/setup.sh

build: setup
	node scripts/build.mjs

test: build
	bash scripts/test.sh

demo: build
	node www/serve.mjs

bench: build
	node bench/replay.mjs
	node --expose-gc --max-old-space-size=8192 bench/run.mjs
	node bench/store-tier.mjs
	node bench/page-hit.mjs
	node bench/stampede.mjs
	node --expose-gc bench/events.mjs
	node bench/objects.mjs
	node bench/memcached.mjs
	node bench/startup.mjs
	node bench/memory-budget.mjs
	node bench/package-size.mjs
